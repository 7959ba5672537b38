;; Dot products of one int8 query with many rows, for the in-memory vector index's scan
;; (src/adapters/sqlite/simd/int8-kernel.ts). Built into int8-dot.wasm.ts by
;; scripts/build-simd-kernel.ts; WebAssembly SIMD (no relaxed SIMD: Node 20 has none).
;;
;; int8 rows (range, list): every vector (query and rows) is `stride` bytes, a multiple of 16,
;; zero-padded past its dims. Each 8 bytes are sign-extended to eight i16 (v128.load8x8_s) and
;; multiplied and summed pairwise into four i32 (i32x4.dot_i16x8_s, one pmaddwd on x64).
;; Components are in [-127, 127], so no sum overflows: |dot| <= 127 * 127 * stride < 2^31 for
;; stride < 133,000. Four rows share each load of the query.
;;
;; 4-bit rows (range4, list4): half the bytes of int8, for a first pass. Each 16 bytes hold 32
;; components as eight u16 of four nibbles: nibble k of u16 l is component 8k + l of that group
;; of 32, stored as value + 8 (0..15). The query is i16, in component order, so shifting and
;; masking the u16 lanes lines each nibble up with eight consecutive query components. The
;; result is sum(query * nibble) = dot + 8 * sum(query); the caller subtracts the second term.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The dot of the query at $q with the row at $p.
  (func $dot1 (param $q i32) (param $p i32) (param $stride i32) (result i32)
    (local $end i32) (local $acc v128)
    (local.set $end (i32.add (local.get $q) (local.get $stride)))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (block $done
      (loop $chunk
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $q)) (v128.load8x8_s (local.get $p)))
              (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (local.get $q))
                                 (v128.load8x8_s offset=8 (local.get $p))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $chunk)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; The dots of the query at $q with the rows at $p0..$p3, stored as four i32 at $out.
  (func $dot4 (param $q i32) (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32)
              (param $stride i32) (param $out i32)
    (local $end i32) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $end (i32.add (local.get $q) (local.get $stride)))
    (block $done
      (loop $chunk
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $lo (v128.load8x8_s (local.get $q)))
        (local.set $hi (v128.load8x8_s offset=8 (local.get $q)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $lo) (v128.load8x8_s (local.get $p0)))
          (i32x4.dot_i16x8_s (local.get $hi) (v128.load8x8_s offset=8 (local.get $p0))))))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $lo) (v128.load8x8_s (local.get $p1)))
          (i32x4.dot_i16x8_s (local.get $hi) (v128.load8x8_s offset=8 (local.get $p1))))))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $lo) (v128.load8x8_s (local.get $p2)))
          (i32x4.dot_i16x8_s (local.get $hi) (v128.load8x8_s offset=8 (local.get $p2))))))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
          (i32x4.dot_i16x8_s (local.get $lo) (v128.load8x8_s (local.get $p3)))
          (i32x4.dot_i16x8_s (local.get $hi) (v128.load8x8_s offset=8 (local.get $p3))))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
        (br $chunk)))
    ;; Horizontal sums of the four accumulators at once: transpose-free pairwise adds.
    (local.set $a0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $a2 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a2) (local.get $a3))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a2) (local.get $a3))))
    (v128.store (local.get $out) (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a2))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2)))))

  ;; Dots of the query at $q with $count consecutive rows from $rows, as i32 at $out.
  (func (export "range") (param $q i32) (param $rows i32) (param $stride i32) (param $count i32)
                         (param $out i32)
    (local $s2 i32)
    (local.set $s2 (i32.shl (local.get $stride) (i32.const 1)))
    (block $done
      (loop $four
        (br_if $done (i32.lt_s (local.get $count) (i32.const 4)))
        (call $dot4 (local.get $q) (local.get $rows)
          (i32.add (local.get $rows) (local.get $stride))
          (i32.add (local.get $rows) (local.get $s2))
          (i32.add (local.get $rows) (i32.add (local.get $s2) (local.get $stride)))
          (local.get $stride) (local.get $out))
        (local.set $rows (i32.add (local.get $rows) (i32.shl (local.get $s2) (i32.const 1))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (i32.store (local.get $out) (call $dot1 (local.get $q) (local.get $rows) (local.get $stride)))
        (local.set $rows (i32.add (local.get $rows) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $one))))

  ;; Dots of the query at $q with the rows numbered by the $count i32 at $list (row n at
  ;; $base + n * $stride), as i32 at $out.
  (func (export "list") (param $q i32) (param $base i32) (param $stride i32) (param $list i32)
                        (param $count i32) (param $out i32)
    (block $done
      (loop $four
        (br_if $done (i32.lt_s (local.get $count) (i32.const 4)))
        (call $dot4 (local.get $q)
          (i32.add (local.get $base) (i32.mul (i32.load (local.get $list)) (local.get $stride)))
          (i32.add (local.get $base) (i32.mul (i32.load offset=4 (local.get $list)) (local.get $stride)))
          (i32.add (local.get $base) (i32.mul (i32.load offset=8 (local.get $list)) (local.get $stride)))
          (i32.add (local.get $base) (i32.mul (i32.load offset=12 (local.get $list)) (local.get $stride)))
          (local.get $stride) (local.get $out))
        (local.set $list (i32.add (local.get $list) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (i32.store (local.get $out) (call $dot1 (local.get $q)
          (i32.add (local.get $base) (i32.mul (i32.load (local.get $list)) (local.get $stride)))
          (local.get $stride)))
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $one))))

  ;; One u16 lane group of 4-bit components against eight i16 query vectors' worth: the dot of
  ;; the 4-bit rows at $p0..$p3 ($bytes each) with the i16 query at $q, four i32 at $out.
  (func $nibbles4 (param $q i32) (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32)
                  (param $bytes i32) (param $out i32)
    (local $end i32) (local $m v128) (local $v v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
    (local.set $end (i32.add (local.get $p0) (local.get $bytes)))
    (block $done
      (loop $chunk
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $q1 (v128.load offset=16 (local.get $q)))
        (local.set $q2 (v128.load offset=32 (local.get $q)))
        (local.set $q3 (v128.load offset=48 (local.get $q)))
        (local.set $v (v128.load (local.get $p0)))
        (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q0) (v128.and (local.get $v) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q1)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q2)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q3) (i16x8.shr_u (local.get $v) (i32.const 12)))))))
        (local.set $v (v128.load (local.get $p1)))
        (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q0) (v128.and (local.get $v) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q1)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q2)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q3) (i16x8.shr_u (local.get $v) (i32.const 12)))))))
        (local.set $v (v128.load (local.get $p2)))
        (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q0) (v128.and (local.get $v) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q1)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q2)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q3) (i16x8.shr_u (local.get $v) (i32.const 12)))))))
        (local.set $v (v128.load (local.get $p3)))
        (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q0) (v128.and (local.get $v) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q1)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $q2)
              (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (i32x4.dot_i16x8_s (local.get $q3) (i16x8.shr_u (local.get $v) (i32.const 12)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
        (br $chunk)))
    (local.set $a0 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
    (local.set $a2 (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a2) (local.get $a3))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a2) (local.get $a3))))
    (v128.store (local.get $out) (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a2))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2)))))

  ;; 4-bit sums of the i16 query at $q with $count consecutive rows of $bytes from $rows, as i32
  ;; at $out. A remainder of fewer than four rows repeats the last row (its sums, written past
  ;; the count in $out, are ignored): rows are never read beyond the last one.
  (func (export "range4") (param $q i32) (param $rows i32) (param $bytes i32) (param $count i32)
                          (param $out i32)
    (local $last i32)
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (local.set $last (i32.add (local.get $rows)
      (i32.mul (i32.sub (local.get $count) (i32.const 1)) (local.get $bytes))))
    (block $done
      (loop $four
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (call $nibbles4 (local.get $q) (local.get $rows)
          (call $min (i32.add (local.get $rows) (local.get $bytes)) (local.get $last))
          (call $min (i32.add (local.get $rows) (i32.shl (local.get $bytes) (i32.const 1)))
                     (local.get $last))
          (call $min (i32.add (local.get $rows) (i32.mul (local.get $bytes) (i32.const 3)))
                     (local.get $last))
          (local.get $bytes) (local.get $out))
        (local.set $rows (i32.add (local.get $rows) (i32.shl (local.get $bytes) (i32.const 2))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $four))))

  ;; 4-bit sums of the i16 query at $q with the rows numbered by the $count i32 at $list (row n
  ;; at $base + n * $bytes), as i32 at $out; a remainder repeats the last listed row, as above.
  (func (export "list4") (param $q i32) (param $base i32) (param $bytes i32) (param $list i32)
                         (param $count i32) (param $out i32)
    (local $last i32)
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (local.set $last (i32.add (local.get $list)
      (i32.shl (i32.sub (local.get $count) (i32.const 1)) (i32.const 2))))
    (block $done
      (loop $four
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (call $nibbles4 (local.get $q)
          (i32.add (local.get $base) (i32.mul (i32.load (local.get $list)) (local.get $bytes)))
          (i32.add (local.get $base) (i32.mul (i32.load
            (call $min (i32.add (local.get $list) (i32.const 4)) (local.get $last)))
            (local.get $bytes)))
          (i32.add (local.get $base) (i32.mul (i32.load
            (call $min (i32.add (local.get $list) (i32.const 8)) (local.get $last)))
            (local.get $bytes)))
          (i32.add (local.get $base) (i32.mul (i32.load
            (call $min (i32.add (local.get $list) (i32.const 12)) (local.get $last)))
            (local.get $bytes)))
          (local.get $bytes) (local.get $out))
        (local.set $list (i32.add (local.get $list) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $four))))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $a) (local.get $b)))))

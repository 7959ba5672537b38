;; The two passes of PIL's 8-bit resampler (Pillow src/libImaging/Resample.c,
;; ImagingResampleHorizontal_8bpc and ImagingResampleVertical_8bpc) in WebAssembly SIMD.
;; clip-resample.ts computes the fixed-point coefficients exactly as PIL does and lays out
;; memory; these loops only multiply and add, in 32-bit integers as PIL's C does, starting
;; from 1 << (PRECISION_BITS - 1) and ending with clip8 (arithmetic shift by PRECISION_BITS = 22,
;; then clamp to 0..255, which the saturating narrows do). Same inputs, same integers, same bytes.
;;
;; Built into clip-resample-kernel.ts by scripts/build-clip-resample-wasm.sh (wabt's wat2wasm).
;; Coefficient tables (i32): first[i] = first input pixel of output i, count[i] = taps,
;; weights[i * kernelSize + t] = tap t's weight (the horizontal pass reads them split in pairs).
(module
  (memory (export "memory") 1)

  ;; Rows of `stride` bytes -> outHeight rows of `stride` bytes; output row y sums input rows
  ;; first[y] .. first[y] + count[y] - 1. 16 bytes at a time, so `src` and `out` need 15 bytes of
  ;; slack after their last row (a row's last block spills into the next row, written later).
  (func (export "vertical")
    (param $src i32) (param $stride i32) (param $out i32) (param $outHeight i32)
    (param $first i32) (param $count i32) (param $weights i32) (param $kernelSize i32)
    (local $y i32) (local $i i32) (local $base i32) (local $wBase i32) (local $taps i32)
    (local $p i32) (local $w i32) (local $n i32) (local $v v128) (local $k v128)
    (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $yDone
      (loop $yLoop
        (br_if $yDone (i32.ge_u (local.get $y) (local.get $outHeight)))
        (local.set $base
          (i32.add (local.get $src)
            (i32.mul
              (i32.load (i32.add (local.get $first) (i32.shl (local.get $y) (i32.const 2))))
              (local.get $stride))))
        (local.set $taps
          (i32.load (i32.add (local.get $count) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $wBase
          (i32.add (local.get $weights)
            (i32.shl (i32.mul (local.get $y) (local.get $kernelSize)) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $stride)))
            (local.set $a0 (v128.const i32x4 2097152 2097152 2097152 2097152))
            (local.set $a1 (local.get $a0))
            (local.set $a2 (local.get $a0))
            (local.set $a3 (local.get $a0))
            (local.set $p (i32.add (local.get $base) (local.get $i)))
            (local.set $w (local.get $wBase))
            (local.set $n (local.get $taps))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $n)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $k (v128.load32_splat (local.get $w)))
                (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
                (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
                (local.set $a0 (i32x4.add (local.get $a0)
                  (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $lo)) (local.get $k))))
                (local.set $a1 (i32x4.add (local.get $a1)
                  (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $lo)) (local.get $k))))
                (local.set $a2 (i32x4.add (local.get $a2)
                  (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $hi)) (local.get $k))))
                (local.set $a3 (i32x4.add (local.get $a3)
                  (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $hi)) (local.get $k))))
                (local.set $p (i32.add (local.get $p) (local.get $stride)))
                (local.set $w (i32.add (local.get $w) (i32.const 4)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $tLoop)))
            (v128.store
              (i32.add (local.get $out) (local.get $i))
              (i8x16.narrow_i16x8_u
                (i16x8.narrow_i32x4_s
                  (i32x4.shr_s (local.get $a0) (i32.const 22))
                  (i32x4.shr_s (local.get $a1) (i32.const 22)))
                (i16x8.narrow_i32x4_s
                  (i32x4.shr_s (local.get $a2) (i32.const 22))
                  (i32x4.shr_s (local.get $a3) (i32.const 22)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $iLoop)))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yLoop))))

  ;; Packed RGB rows -> packed RGB rows of outWidth pixels, two source rows at a time and two
  ;; taps at a time, without 32-bit multiplies: every weight w is split as w = hi * 2^15 + lo (0 <= lo < 2^15), both 16-bit,
  ;; and i32x4.dot_i16x8_s multiplies a pair of taps' pixels by a pair of taps' halves and adds.
  ;; sum(p * w) = (sum(p * hi) << 15) + sum(p * lo) in wrapping 32-bit arithmetic equals PIL's
  ;; 32-bit sum whenever PIL's own sum does not overflow (it never does: |sum| < 2^31).
  ;; `pairs` holds, per output pixel, 32 bytes per tap pair: lo of (t, t + 1) repeated four
  ;; times as i16, then hi the same way (an odd count is padded with a zero weight, whose pixel
  ;; is read, so `src` needs 8 bytes of slack). Each output pixel is stored as 3 bytes.
  (func (export "horizontalPairs")
    (param $src i32) (param $srcStride i32) (param $rows i32) (param $out i32)
    (param $outWidth i32) (param $first i32) (param $pairCount i32) (param $pairs i32)
    (param $kernelPairs i32)
    (local $row0 i32) (local $row1 i32) (local $out0 i32) (local $out1 i32) (local $left i32)
    (local $x i32) (local $p0 i32) (local $p1 i32) (local $n i32) (local $w i32)
    (local $wl v128) (local $wh v128) (local $a v128) (local $b v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128)
    (local.set $row0 (local.get $src))
    (local.set $out0 (local.get $out))
    (local.set $left (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $left)))
        ;; With one row left, the second row is the first again (computed and stored twice).
        (if (i32.ge_u (local.get $left) (i32.const 2))
          (then
            (local.set $row1 (i32.add (local.get $row0) (local.get $srcStride)))
            (local.set $out1 (i32.add (local.get $out0) (i32.mul (local.get $outWidth) (i32.const 3)))))
          (else
            (local.set $row1 (local.get $row0))
            (local.set $out1 (local.get $out0))))
        (local.set $x (i32.const 0))
        (block $xDone
          (loop $xLoop
            (br_if $xDone (i32.ge_u (local.get $x) (local.get $outWidth)))
            (local.set $p0
              (i32.mul
                (i32.load (i32.add (local.get $first) (i32.shl (local.get $x) (i32.const 2))))
                (i32.const 3)))
            (local.set $p1 (i32.add (local.get $row1) (local.get $p0)))
            (local.set $p0 (i32.add (local.get $row0) (local.get $p0)))
            (local.set $n
              (i32.load (i32.add (local.get $pairCount) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $w
              (i32.add (local.get $pairs)
                (i32.shl (i32.mul (local.get $x) (local.get $kernelPairs)) (i32.const 5))))
            (local.set $lo0 (v128.const i32x4 0 0 0 0))
            (local.set $hi0 (local.get $lo0))
            (local.set $lo1 (local.get $lo0))
            (local.set $hi1 (local.get $lo0))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.eqz (local.get $n)))
                (local.set $wl (v128.load (local.get $w)))
                (local.set $wh (v128.load offset=16 (local.get $w)))
                ;; r0 g0 b0 r1 g1 b1 -> i16 lanes r0 r1 g0 g1 b0 b1 0 0
                (local.set $a
                  (i8x16.swizzle (v128.load64_zero (local.get $p0))
                    (v128.const i8x16 0 128 3 128 1 128 4 128 2 128 5 128 128 128 128 128)))
                (local.set $b
                  (i8x16.swizzle (v128.load64_zero (local.get $p1))
                    (v128.const i8x16 0 128 3 128 1 128 4 128 2 128 5 128 128 128 128 128)))
                (local.set $lo0 (i32x4.add (local.get $lo0) (i32x4.dot_i16x8_s (local.get $a) (local.get $wl))))
                (local.set $hi0 (i32x4.add (local.get $hi0) (i32x4.dot_i16x8_s (local.get $a) (local.get $wh))))
                (local.set $lo1 (i32x4.add (local.get $lo1) (i32x4.dot_i16x8_s (local.get $b) (local.get $wl))))
                (local.set $hi1 (i32x4.add (local.get $hi1) (i32x4.dot_i16x8_s (local.get $b) (local.get $wh))))
                (local.set $p0 (i32.add (local.get $p0) (i32.const 6)))
                (local.set $p1 (i32.add (local.get $p1) (i32.const 6)))
                (local.set $w (i32.add (local.get $w) (i32.const 32)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $tLoop)))
            (local.set $a
              (call $clip8
                (i32x4.add (i32x4.shl (local.get $hi0) (i32.const 15)) (local.get $lo0))))
            (local.set $b
              (call $clip8
                (i32x4.add (i32x4.shl (local.get $hi1) (i32.const 15)) (local.get $lo1))))
            (v128.store16_lane 0 (local.get $out0) (local.get $a))
            (v128.store8_lane offset=2 2 (local.get $out0) (local.get $a))
            (v128.store16_lane 0 (local.get $out1) (local.get $b))
            (v128.store8_lane offset=2 2 (local.get $out1) (local.get $b))
            (local.set $out0 (i32.add (local.get $out0) (i32.const 3)))
            (local.set $out1 (i32.add (local.get $out1) (i32.const 3)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $xLoop)))
        ;; out0 has moved past its row; out1 past the next one (or the same, with one row left).
        (local.set $out0 (local.get $out1))
        (if (i32.ge_u (local.get $left) (i32.const 2))
          (then
            (local.set $row0 (i32.add (local.get $row1) (local.get $srcStride)))
            (local.set $left (i32.sub (local.get $left) (i32.const 2))))
          (else (local.set $left (i32.const 0))))
        (br $rowsLoop))))

  ;; PIL's clip8 on four lanes: add 1 << 21, shift by 22, clamp to 0..255 into the low bytes.
  (func $clip8 (param $sum v128) (result v128)
    (local $v v128)
    (local.set $v
      (i32x4.shr_s
        (i32x4.add (local.get $sum) (v128.const i32x4 2097152 2097152 2097152 2097152))
        (i32.const 22)))
    (local.set $v (i16x8.narrow_i32x4_s (local.get $v) (local.get $v)))
    (i8x16.narrow_i16x8_u (local.get $v) (local.get $v)))
)

"""The strings of the OpenCLIP text corpus (see clip-text-corpus.py): one generator per class.

Each yields (class, text, clean) with clean None ('lower', OpenCLIP's default) or
'canonicalize'. Product titles are made from templates and word lists per language, seeded, so
the corpus is the same on every run.
"""

TITLES = {
    "en": (
        ["{adj} {colour} {item} for {who}", "{brand} {item} {size} - {adj} {material}",
         "{who}'s {item}, {colour}, size {size}", "{item} ({colour}) {n} pcs"],
        {"adj": ["Slim Fit", "Waterproof", "Wireless", "Premium", "Organic", "Vintage"],
         "colour": ["Red", "Navy Blue", "Black", "Olive Green", "Beige", "Pink"],
         "item": ["Running Shoes", "T-Shirt", "Backpack", "Earbuds", "Coffee Mug", "Phone Case"],
         "who": ["Women", "Men", "Kids", "Baby", "Teens"],
         "brand": ["Acme", "NorthPeak", "Urbano", "K&J", "O'Neil"],
         "material": ["Cotton", "Leather", "Stainless Steel", "Bamboo"],
         "size": ["S", "XL", "42", "10.5", "500ml"], "n": ["2", "3", "12", "100"]},
    ),
    "vi": (
        ["{item} {adj} {colour} cho {who}", "{item} {material} {adj} - size {size}",
         "Combo {n} {item} {colour}"],
        {"item": ["Áo thun", "Quần jean", "Giày chạy bộ", "Túi xách", "Tai nghe", "Nồi cơm điện"],
         "adj": ["cao cấp", "chống nước", "thời trang", "giá rẻ", "chính hãng"],
         "colour": ["màu đỏ", "xanh dương", "đen", "trắng", "hồng"],
         "who": ["nữ", "nam", "trẻ em", "bé gái"], "material": ["cotton", "da thật", "inox"],
         "size": ["M", "L", "39"], "n": ["2", "5", "10"]},
    ),
    "th": (
        ["{item}{colour} {adj} สำหรับ{who}", "{item} {material} ขนาด {size}", "{item} {n} ชิ้น"],
        {"item": ["เสื้อยืด", "รองเท้าวิ่ง", "กระเป๋าเป้", "หูฟังไร้สาย", "แก้วกาแฟ"],
         "colour": ["สีแดง", "สีดำ", "สีขาว", "สีน้ำเงิน"], "adj": ["กันน้ำ", "พรีเมียม", "ราคาถูก"],
         "who": ["ผู้หญิง", "ผู้ชาย", "เด็ก"], "material": ["ผ้าฝ้าย", "หนังแท้", "สแตนเลส"],
         "size": ["M", "XL", "42"], "n": ["2", "3", "10"]},
    ),
    "id": (
        ["{item} {who} {adj} warna {colour}", "{item} {material} {adj} ukuran {size}",
         "Paket {n} {item} murah"],
        {"item": ["Kaos", "Sepatu Lari", "Tas Ransel", "Headset Bluetooth", "Gamis", "Hijab"],
         "who": ["Wanita", "Pria", "Anak"], "adj": ["Anti Air", "Premium", "Original", "Kekinian"],
         "colour": ["Merah", "Hitam", "Putih", "Biru Dongker"], "material": ["Katun", "Kulit Asli"],
         "size": ["M", "XL", "40"], "n": ["2", "3", "12"]},
    ),
    "ms": (
        ["{item} {who} {adj} warna {colour}", "{item} {material} saiz {size}", "Set {n} {item}"],
        {"item": ["Baju Kurung", "Kasut Sukan", "Beg Galas", "Tudung Bawal", "Fon Kepala"],
         "who": ["Wanita", "Lelaki", "Kanak-kanak"], "adj": ["Kalis Air", "Murah", "Tulen"],
         "colour": ["Merah", "Hitam", "Putih", "Biru"], "material": ["Kapas", "Kulit"],
         "size": ["S", "L", "41"], "n": ["2", "3", "6"]},
    ),
    "zh": (
        ["{adj}{colour}{item}{who}款", "{item} {material} {size}码 {adj}", "{n}件装 {item}"],
        {"adj": ["防水", "新款", "正品", "加厚"], "colour": ["红色", "黑色", "白色", "藏青色"],
         "item": ["运动鞋", "T恤", "双肩包", "无线耳机", "保温杯", "手机壳"],
         "who": ["女", "男", "儿童"], "material": ["纯棉", "真皮", "不锈钢"],
         "size": ["M", "XL", "42"], "n": ["2", "3", "10"]},
    ),
    "tl": (
        ["{item} para sa {who}, kulay {colour}", "{adj} na {item} ({material}) size {size}",
         "{n} piraso ng {item}"],
        {"item": ["damit", "sapatos pantakbo", "bag", "earphones", "tasa"],
         "who": ["babae", "lalaki", "bata"], "colour": ["pula", "itim", "puti", "asul"],
         "adj": ["Matibay", "Murang", "Orihinal"], "material": ["koton", "katad"],
         "size": ["M", "L", "40"], "n": ["2", "3", "12"]},
    ),
}


def titles(rng, lang, count):
    templates, words = TITLES[lang]
    for _ in range(count):
        template = rng.choice(templates)
        yield template.format(**{k: rng.choice(v) for k, v in words.items()})


def product_titles(rng):
    for lang in TITLES:
        for text in titles(rng, lang, 70):
            yield f"title-{lang}", text


def mojibake(rng):
    samples = [t for lang in ("en", "vi", "zh", "th", "id") for t in titles(rng, lang, 14)]
    samples += ["café", "crème brûlée", "naïve façade", "Women’s “Best” Shoes – 50% off…",
                "½ price", "© 2024 Brand™", "emoji 😀 👍", "Đồng hồ nữ", "日本語", "€5"]
    for text in samples:
        if all(ord(c) < 128 for c in text):
            text += " — é"
        yield "mojibake-cp1252", text.encode("utf-8").decode("windows-1252", errors="replace")
        yield "mojibake-latin1", text.encode("utf-8").decode("latin-1")
    for text in ["café", "Women’s", "naïve"]:
        twice = text.encode("utf-8").decode("windows-1252").encode("utf-8").decode("windows-1252")
        yield "mojibake-double", twice
        yield "mojibake-mixed", "Real café and " + text.encode("utf-8").decode("windows-1252")
        yield "mojibake-nbsp-as-space", text.encode("utf-8").decode("windows-1252") + "Â price"
    yield "mojibake-lossy", "caf\ufffd and Ã? and â€?"
    yield "mojibake-legit", "Ã is a letter, Â© is fine?"
    yield "mojibake-c1", "price \x80 5 and \x93quoted\x94"
    yield "mojibake-c1", "undefined \x81 \x8d byte"


def html_entities(rng):
    bases = ["Tom {e} Jerry", "{e} Sale {e}", "Size 10{e}12", "caf{e}", "{e}"]
    entities = ["&amp;", "&amp;amp;", "&quot;", "&lt;", "&gt;", "&nbsp;", "&eacute;", "&EACUTE;",
                "&copy;", "&copy", "&reg;", "&trade;", "&hellip;", "&ndash;", "&mdash;", "&#39;",
                "&#x27;", "&#8217;", "&#X2019;", "&#0;", "&#128;", "&#150;", "&#x110000;",
                "&#xD800;", "&#1;", "&#65535;", "&foo;", "&amp", "&ampx", "&notin;", "&notit;",
                "&frac12;", "&Agrave;", "&#12354;", "&#x1F600;", "&sup2;", "&lt", "&zwnj;"]
    for e in entities:
        for base in bases:
            yield "html-entity", base.format(e=e)
    yield "html-entity-with-tag", "<b>Tom &amp; Jerry</b>"
    yield "html-entity-with-tag", "line one &amp; two\n<br> then &eacute;"
    yield "html-entity-with-tag", "5 &lt; 6 but 7 < 8 &amp; more"
    yield "html-entity-mojibake", "caf&Atilde;&copy; latte"


def typography(rng):
    for text in ["Women’s Running Shoes", "‘Classic’ tee", "“Premium” “Quality”", "it‛s", "ʼokina",
                 "„German“ quotes", "‟reversed”", "‹single› «double»", "don't", "O’Neil’s"]:
        yield "curly-quotes", text
    for text in ["１２３", "ＡＢＣ", "ｱｲﾌｫﾝ", "Ｔシャツ　ＸＬ", "ｶﾞﾝﾀﾞﾑ", "￥１，９８０", "！？",
                 "ﾊﾟﾝﾂ", "ﾍﾞｰｼｯｸ", "ＵＳＢ－Ｃ ケーブル", "ﾞ", "ｰ", "￡５", "\uffe8", "ㅤ"]:
        yield "width-forms", text
    for text in ["ﬁne ﬂour", "ﬀ ﬃ ﬄ", "ﬅ ﬆ", "Ĳssel", "ǄǅǆǇ", "ŉ", "ﬁﬂ"]:
        yield "ligatures", text


def controls(rng):
    for code in list(range(0, 32)) + [127, 0x80, 0x85, 0x9f, 0x200b, 0x200c, 0x200d, 0x200e,
                                      0x2060, 0x206a, 0x206f, 0xfeff, 0xfff9, 0xfffc, 0xfffd,
                                      0xad, 0x180e, 0x1d173]:
        yield "control-chars", f"red{chr(code)}shoe {chr(code)} bag"
    for text in ["\x1b[31mred\x1b[0m shoes", "\x1b[1;32mGREEN\x1b[m", "\x1b[2Jclear", "\x1b]0;t\x07x",
                 "\x1b[٣mx"]:
        yield "terminal-escapes", text
    for text in ["a\r\nb", "a\rb", "a\u2028b\u2029c", "a\x85b", "multi\nline\n\ntitle\n"]:
        yield "line-breaks", text
    yield "surrogates", "lone \ud800 high"
    yield "surrogates", "lone \udc00 low"


def whitespace(rng):
    spaces = [" ", "\t", "\n", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0",
              "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f",
              "\u3000", "\u180e", "\u200b", "\ufeff", "\u2800"]
    for sp in spaces:
        yield "whitespace", f"{sp}red{sp}{sp}shoes{sp}"
    yield "whitespace", ""
    yield "whitespace", "   "
    yield "whitespace", "\u3000\u3000"


def special_tokens(rng):
    for token in ["<|endoftext|>", "<|startoftext|>", "<|EndOfText|>", "<|ENDOFTEXT|>",
                  "<|StartOfText|>", "<end_of_text>", "<START_OF_TEXT>", "<|endoftext",
                  "endoftext|>", "<|im_end|>", "</s>", "[SEP]"]:
        for template in ["a {t} b", "{t}", "red shoes{t}blue", "{t}{t}"]:
            yield "special-token-text", template.format(t=token)


def misc(rng):
    for text in ["a photo of a cat", "iPhone 15 Pro Max 256GB", "USB-C 3.1 (Gen 2) 10Gbps",
                 "Σίσυφος ΟΔΟΣ", "İstanbul ışık", "straße STRASSE", "e\u0301cole", "한국어 상품",
                 "منتج عربي", "Ελληνικά προϊόντα", "😀👍🏽👨‍👩‍👧", "🇻🇳 🇹🇭", "x²+y³", "№5",
                 "I'M SURE THEY'LL", "you're we've I'd", "100% cotton, 50/50", "3½\" x 5¼\"",
                 "Ⅻ ⅷ", "①②③", "𝐁𝐨𝐥𝐝 𝕿𝖊𝖝𝖙", "ﾟ", "a\u0308\u0301", "Ǆemal"]:
        yield "misc", text
    long = " ".join(titles(rng, "en", 20))
    yield "truncation", long
    yield "truncation", "red shoes " * 50
    yield "truncation", "東京" * 100


def canonicalize(rng):
    for text in ["A Photo, of: the_cat!", "Women’s T-Shirt (Red) &amp; more", "cafÃ© crème",
                 "ＡＢＣ-123_x", "a <|endoftext|> b"] + list(titles(rng, "en", 10)):
        yield text


def build_corpus(rng):
    for gen in (product_titles, mojibake, html_entities, typography, controls, whitespace,
                special_tokens, misc):
        for cls, text in gen(rng):
            yield cls, text, None
    for text in canonicalize(rng):
        yield "canonicalize", text, "canonicalize"

/// Values chosen to break things, for the tests: texts with control characters, bidi overrides, canonically
/// equivalent spellings and sizes at and beyond every limit; JSON nested around every depth limit and numbers at the
/// edges of their types; texts that are not JSON at all. One list, in the package, so that every test that attacks a
/// feature with hostile input uses the same cases and none needs a file outside the repository.
public enum HostileValues {
    /// A named case: `kind` is ``Kind/str`` (the text is the string itself: for text columns, keys, names),
    /// ``Kind/json`` (the text is a JSON value, possibly deeper than a parser allows: that is the point) or
    /// ``Kind/raw`` (the text is not a valid JSON value: feed it to parsers as a line).
    public struct Case: Sendable {
        public enum Kind: String, Sendable { case str, json, raw }
        public let name: String
        public let kind: Kind
        public let text: String
    }

    /// Strings for text columns, keys, table and column names.
    public static let strings: [(name: String, text: String)] = [
        ("empty", ""), ("space", " "), ("null-word", "null"), ("NA", "NA"),
        ("quote-comma-newline", "a \"b\", c\nd"), ("crlf", "a\r\nb"), ("tab", "a\tb"), ("nul", "a\u{0}b"),
        ("esc-clear-screen", "\u{1B}[2J\u{1B}[H"), ("osc-title-bel", "\u{1B}]0;pwned\u{7}"), ("c1-csi", "\u{9B}31m red"),
        ("del", "a\u{7F}b"), ("bidi-override", "abc\u{202E}dcba\u{202C}"), ("bidi-isolate", "\u{2066}x\u{2069}"),
        ("zero-width-joiner-family", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
        ("combining-stack", "e" + String(repeating: "\u{301}", count: 50)),
        ("nfc-e-acute", "\u{E9}"), ("nfd-e-acute", "e\u{301}"), ("latin-K", "K"), ("kelvin-sign", "\u{212A}"),
        ("angstrom-sign", "\u{212B}"), ("a-ring", "\u{C5}"), ("wide-cjk", "漢字かなカナ한글"),
        ("emoji-flag", "\u{1F1EF}\u{1F1F5}"), ("astral-math", "\u{1D49C}\u{1D4B7}"),
        ("lone-high-surrogate-escaped", "\\ud800"), ("max-bmp", "\u{FFFF}"), ("replacement-char", "\u{FFFD}"),
        ("long-10k-mixed", String(repeating: "ab漢\u{301}\u{1F600}", count: 2000)),
        ("long-1MB-ascii", String(repeating: "x", count: 1 << 20)),
        ("leading-trailing-space", "  padded  "), ("looks-like-number", "00123"), ("looks-like-bool", "true"),
        ("sql-quote", "O'Brien'); DROP TABLE t; --"), ("path-traversal", "../../etc/passwd"),
        ("percent-format", "%s%n%x"),
    ]

    /// JSON texts of values: nesting around every depth limit, numbers at the edges of Int64 and Double.
    public static let jsonTexts: [(name: String, text: String)] = {
        var cases: [(name: String, text: String)] = []
        for depth in [1, 64, 255, 256, 257, 500, 510, 511, 512, 513, 1000, 100_000] {
            cases.append(("array-depth-\(depth)",
                          String(repeating: "[", count: depth) + "0" + String(repeating: "]", count: depth)))
            cases.append(("object-depth-\(depth)",
                          String(repeating: "{\"k\":", count: depth) + "0" + String(repeating: "}", count: depth)))
        }
        cases += [
            ("int64-max", "9223372036854775807"), ("int64-min", "-9223372036854775808"),
            ("beyond-int64", "9223372036854775808"), ("beyond-uint64", "18446744073709551616"),
            ("tiny-float", "5e-324"), ("max-float", "1.7976931348623157e308"), ("negative-zero", "-0.0"),
            ("many-digits", "0.1000000000000000055511151231257827"), ("empty-object", "{}"), ("empty-array", "[]"),
        ]
        return cases
    }()

    /// Texts that are not valid JSON values (RFC 8259): overflowing numbers, NaN, broken or padded texts.
    public static let rawTexts: [(name: String, text: String)] = [
        ("number-overflow", "1e400"), ("nan", "NaN"), ("infinity", "Infinity"), ("minus-infinity", "-Infinity"),
        ("duplicate-keys", #"{"a":1,"a":2}"#), ("trailing-comma", #"{"a":1,}"#), ("bom-prefixed", "\u{FEFF}{}"),
        ("truncated", #"{"a": "b"#), ("lone-surrogate", #""\ud800""#),
    ]

    /// Every case, strings first.
    public static var all: [Case] {
        strings.map { Case(name: $0.name, kind: .str, text: $0.text) }
            + jsonTexts.map { Case(name: $0.name, kind: .json, text: $0.text) }
            + rawTexts.map { Case(name: $0.name, kind: .raw, text: $0.text) }
    }
}

import Foundation
import Testing

/// Text that breaks naive programs, from the "str" cases of a hostile-input generator (copied, so the tests do not
/// depend on a file outside the repository): control and escape sequences, bidi controls, canonically equivalent
/// forms, wide, combining and long text, and text that looks like something else.
enum HostileText {
    static let cases: [(name: String, text: String)] = [
        ("empty", ""), ("space", " "), ("null-word", "null"), ("NA", "NA"),
        ("quote-comma-newline", "a \"b\", c\nd"), ("crlf", "a\r\nb"), ("tab", "a\tb"), ("nul", "a\u{0}b"),
        ("esc-clear-screen", "\u{1B}[2J\u{1B}[H"), ("osc-title-bel", "\u{1B}]0;pwned\u{7}"),
        ("c1-csi", "\u{9B}31m red"), ("del", "a\u{7F}b"), ("bidi-override", "abc\u{202E}dcba\u{202C}"),
        ("bidi-isolate", "\u{2066}x\u{2069}"), ("marks", "\u{200E}\u{200F}\u{61C}"),
        ("zero-width-joiner-family", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
        ("combining-stack", "e" + String(repeating: "\u{301}", count: 50)), ("nfc-e-acute", "\u{E9}"),
        ("nfd-e-acute", "e\u{301}"), ("latin-K", "K"), ("kelvin-sign", "\u{212A}"), ("wide-cjk", "漢字かなカナ한글"),
        ("emoji-flag", "\u{1F1EF}\u{1F1F5}"), ("astral-math", "\u{1D49C}\u{1D4B7}"),
        ("lone-high-surrogate-escaped", "\\ud800"), ("max-bmp", "\u{FFFF}"), ("replacement-char", "\u{FFFD}"),
        ("long-10k-mixed", String(repeating: "ab漢\u{301}\u{1F600}", count: 2000)),
        ("leading-trailing-space", "  padded  "), ("looks-like-number", "00123"), ("looks-like-bool", "true"),
        ("quoted", "\"quoted\""), ("json-string-literal", "\"null\""), ("two-quotes", "\"\""),
        ("sql-quote", "O'Brien'); DROP TABLE t; --"), ("path-traversal", "../../etc/passwd"),
        ("percent-format", "%s%n%x"),
    ]

    /// The cases holding a character that acts on a terminal.
    static var terminalCases: [(name: String, text: String)] {
        cases.filter { $0.text.unicodeScalars.contains(where: isTerminalControl) }
    }

    /// Characters that must never reach a terminal as they are (an independent list, not the product's):
    /// C0 controls, DEL, C1 controls, bidi embeddings, overrides, isolates and marks.
    static func isTerminalControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// A JSON string literal for `text` (Foundation's writer, not the engine's).
    static func json(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// Expects human-readable output without a byte that drives a terminal: it must be UTF-8 and hold no control
/// character but line feeds (and tabs) and no bidi control.
func expectTerminalSafe(
    _ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let text = String(validating: bytes, as: UTF8.self) else {
        Issue.record("\(what): not UTF-8", sourceLocation: sourceLocation)
        return
    }
    if let bad = text.unicodeScalars.first(where: { HostileText.isTerminalControl($0) && $0 != "\n" && $0 != "\t" }) {
        Issue.record(
            "\(what): U+\(String(bad.value, radix: 16, uppercase: true)) reaches the terminal in \(text.debugDescription.prefix(600))",
            sourceLocation: sourceLocation)
    }
}

/// Expects both streams of a result to be terminal-safe.
func expectTerminalSafe(_ result: CommandResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectTerminalSafe(result.stdoutBytes, what + " (stdout)", sourceLocation: sourceLocation)
    expectTerminalSafe(result.stderrBytes, what + " (stderr)", sourceLocation: sourceLocation)
}

import Testing
@testable import LineDBBrowser

@Suite("Escape sequences: the keys terminals send, whatever terminfo lists; anything else swallowed whole")
struct EscapeSequenceTests {
    /// The characters of `text` after the ESC, as the terminal layer reads them.
    func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    func decode(_ text: String, atEnd: Bool = false) -> EscapeSequence.Decoded {
        EscapeSequence.decode(scalars(text), atEnd: atEnd)
    }

    /// Every sequence with its key; each also with the modifiers `;2`…`;8` (Shift … Ctrl-Alt-Shift).
    static let known: [(String, Key)] = [
        ("[1~", .home), ("[7~", .home), ("[H", .home), ("OH", .home),
        ("[4~", .end), ("[8~", .end), ("[F", .end), ("OF", .end),
        ("[2~", .insert), ("[3~", .delete), ("[5~", .pageUp), ("[6~", .pageDown),
        ("[A", .up), ("[B", .down), ("[C", .right), ("[D", .left),
        ("OA", .up), ("OB", .down), ("OC", .right), ("OD", .left),
        ("OP", .function(1)), ("OQ", .function(2)), ("OR", .function(3)), ("OS", .function(4)),
        ("[P", .function(1)), ("[Q", .function(2)), ("[R", .function(3)), ("[S", .function(4)),
        ("[11~", .function(1)), ("[12~", .function(2)), ("[13~", .function(3)), ("[14~", .function(4)),
        ("[15~", .function(5)), ("[17~", .function(6)), ("[18~", .function(7)), ("[19~", .function(8)),
        ("[20~", .function(9)), ("[21~", .function(10)), ("[23~", .function(11)), ("[24~", .function(12)),
        ("[[A", .function(1)), ("[[E", .function(5)), ("[Z", .backTab),
    ]

    @Test("Home, End, Insert, Delete, PgUp, PgDn, arrows and F1–F12 in their xterm, VT220, rxvt and console forms")
    func knownKeys() {
        for (sequence, key) in Self.known {
            #expect(decode(sequence) == .key(key, length: sequence.unicodeScalars.count), "ESC \(sequence)")
        }
    }

    @Test("with a modifier ;2 … ;8 the key is the same (ESC [1;5H, ESC [4;2~, ESC [15;3~, ESC [1;8P)")
    func modifiers() {
        for (sequence, key) in Self.known where sequence.hasPrefix("[") && !sequence.hasPrefix("[[") {
            let body = sequence.dropFirst().dropLast()
            let final = sequence.last!
            for modifier in 2...8 {
                // `ESC [A` becomes `ESC [1;5A`; `ESC [4~` becomes `ESC [4;5~`.
                let modified = "[" + (body.isEmpty ? "1" : String(body)) + ";\(modifier)" + String(final)
                #expect(decode(modified) == .key(key, length: modified.unicodeScalars.count), "ESC \(modified)")
            }
        }
        // Old xterm's SS3 form with a modifier: ESC O 5 A.
        #expect(decode("O5A") == .key(.up, length: 3))
    }

    @Test("unknown sequences are swallowed whole: CSI to its final byte, SS3, OSC/DCS strings to BEL or ESC \\")
    func unknownSwallowed() {
        for sequence in ["[99~", "[?1;2c", "[>0;276;0c", "[12;40R", "[0n", "[5A", "[1;2;3~", "[I", "[O", "[E",
                         "[200~", "[1 q", "[<32;10;5M", "[1:2A", "OE", "Oz", "[16~", "[22~"] {
            #expect(decode(sequence) == .key(nil, length: sequence.unicodeScalars.count), "ESC \(sequence)")
        }
        #expect(decode("]0;title\u{7}") == .key(nil, length: 9))
        #expect(decode("]11;rgb:0000/0000/0000\u{1B}\\") == .key(nil, length: 24))
        #expect(decode("P1$r0m\u{1B}\\") == .key(nil, length: 8))
        #expect(decode("_private\u{9C}") == .key(nil, length: 9))
        // Only the sequence: what follows it is left for the next key.
        #expect(decode("[99~jk") == .key(nil, length: 4))
        #expect(decode("[4~[") == .key(.end, length: 3))
        #expect(decode("]0;t\u{7}q") == .key(nil, length: 5))
    }

    @Test("an unfinished sequence asks for more; with nothing more it is swallowed, except ESC [ or ESC O alone")
    func unfinished() {
        for prefix in ["", "[", "[4", "[1;", "[1;5", "[?1;2", "O", "O5", "[[", "]0;title", "P1$r", "]0;t\u{1B}"] {
            #expect(decode(prefix) == .needMore, "ESC \(prefix)")
        }
        #expect(decode("", atEnd: true) == .key(.escape, length: 0))  // a bare Esc
        #expect(decode("[", atEnd: true) == .key(.escape, length: 0))  // Esc, then `[` typed
        #expect(decode("O", atEnd: true) == .key(.escape, length: 0))
        #expect(decode("[4", atEnd: true) == .key(nil, length: 2))
        #expect(decode("]0;title", atEnd: true) == .key(nil, length: 8))
        // A string that never ends is swallowed in pieces, not kept for ever.
        let long = [UInt32(0x5D)] + Array(repeating: 0x61, count: EscapeSequence.maxLength)
        #expect(EscapeSequence.decode(long) == .key(nil, length: long.count))
    }

    @Test("ESC then another character is a bare Esc (the character is read next, as itself)")
    func bareEscape() {
        for next in ["j", "x", "\u{1B}", "\r", "é", " "] {
            #expect(decode(next + "[4~") == .key(.escape, length: 0), "ESC \(next)")
        }
        // A control character cuts a CSI: the part before it is swallowed, the control character is a key.
        #expect(decode("[1\r") == .key(nil, length: 2))
        #expect(decode("[1\u{1B}[A") == .key(nil, length: 2))
        #expect(decode("]0;t\u{1B}[A") == .key(nil, length: 4))
    }

    @Test("the application keypad gives Enter and the characters it shows")
    func keypad() {
        #expect(decode("OM") == .key(.enter, length: 2))
        #expect(decode("Op") == .key(.character("0"), length: 2))
        #expect(decode("Oy") == .key(.character("9"), length: 2))
        #expect(decode("Ok") == .key(.character("+"), length: 2))
        #expect(decode("Oj") == .key(.character("*"), length: 2))
    }

    @Test("terminfo's extended key names with modifiers map to their keys")
    func capabilityNames() {
        #expect(EscapeSequence.key(capability: "kEND5") == .end)
        #expect(EscapeSequence.key(capability: "kHOM3") == .home)
        #expect(EscapeSequence.key(capability: "kUP") == .up)
        #expect(EscapeSequence.key(capability: "kDC6") == .delete)
        #expect(EscapeSequence.key(capability: "kNXT7") == .pageDown)
        #expect(EscapeSequence.key(capability: "kxIN") == nil)
        #expect(EscapeSequence.key(capability: "kEND5x") == nil)
    }

    @Test("Insert has a config name and a symbol")
    func insertName() {
        #expect(KeyName.parse("insert") == .insert)
        #expect(KeyName.parse(KeyName.describe(.insert)) == .insert)
        #expect(KeyName.symbol(.insert) == "Ins")
    }
}

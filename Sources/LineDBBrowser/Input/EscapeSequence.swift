/// Decodes what a terminal sends after ESC, whatever its terminfo entry says: the common variants of the arrows,
/// Home, End, Insert, Delete, PgUp, PgDn and F1–F20 (xterm, VT220, rxvt, the Linux console, tmux/screen), with
/// or without a modifier (`ESC [1;5H`, `ESC [3;2~`: the modifier is dropped, the key kept). Any other escape
/// sequence is swallowed whole, so its bytes never arrive as keys (`ESC [4~` read as Esc, `[` and `4~` would sort
/// the grid):
///
/// - CSI: `ESC [`, parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, a final byte 0x40–0x7E;
/// - SS3: `ESC O`, optional parameter bytes, one final byte;
/// - strings (OSC `ESC ]`, DCS `ESC P`, APC `ESC _`, PM `ESC ^`, SOS `ESC X`): up to BEL, `ESC \` or 0x9C.
///
/// `ESC` followed by anything else is a bare Esc (the next character is then read as itself, as before).
///
/// ```swift
/// EscapeSequence.decode(Array("[4~".unicodeScalars.map(\.value)))   // .key(.end, length: 3)
/// EscapeSequence.decode(Array("[99~".unicodeScalars.map(\.value)))  // .key(nil, length: 4): swallowed
/// EscapeSequence.decode([])                                         // .needMore (or Esc, atEnd: true)
/// ```
public enum EscapeSequence {
    /// What the characters after an ESC are.
    public enum Decoded: Equatable, Sendable {
        /// The sequence is `length` characters after the ESC and means `key`; `nil` when it means nothing to the
        /// browser (swallowed). A bare Esc is `.key(.escape, length: 0)`: what follows is read as itself.
        case key(Key?, length: Int)
        /// The characters so far begin a sequence that is not finished: read more (or decode with `atEnd`).
        case needMore
    }

    /// The longest escape string kept while waiting for its end; a longer one is swallowed in pieces.
    public static let maxLength = 4096

    /// Decodes `input`, the characters (Unicode scalar values) that came after an ESC. With `atEnd`, no more
    /// characters will come (none arrived in time): an unfinished sequence is then swallowed, except `ESC [` or
    /// `ESC O` alone, which are taken as a bare Esc followed by the typed `[` or `O`.
    public static func decode(_ input: [UInt32], atEnd: Bool = false) -> Decoded {
        let decoded = decodeSoFar(input)
        guard decoded == .needMore else { return decoded }
        if input.count >= maxLength { return .key(nil, length: input.count) }
        guard atEnd else { return .needMore }
        return input.count <= 1 ? .key(.escape, length: 0) : .key(nil, length: input.count)
    }

    private static func decodeSoFar(_ input: [UInt32]) -> Decoded {
        guard let introducer = input.first else { return .needMore }
        switch introducer {
        case 0x5B: return csi(input)  // [
        case 0x4F: return ss3(input)  // O
        case 0x5D, 0x50, 0x5F, 0x5E, 0x58: return string(input)  // ] P _ ^ X
        default: return .key(.escape, length: 0)
        }
    }

    /// The key of a terminfo extended key capability with modifiers, as curses names its key code (`kEND5` is
    /// Ctrl-End, `kUP3` Alt-Up, `kDC` Shift-Delete): the key without its modifier, or `nil` for other names.
    public static func key(capability name: String) -> Key? {
        let base = name.prefix { !$0.isNumber }
        guard name.dropFirst(base.count).allSatisfy(\.isNumber) else { return nil }
        switch base {
        case "kUP": return .up
        case "kDN": return .down
        case "kLFT": return .left
        case "kRIT": return .right
        case "kHOM": return .home
        case "kEND": return .end
        case "kDC": return .delete
        case "kIC": return .insert
        case "kPRV": return .pageUp
        case "kNXT": return .pageDown
        default: return nil
        }
    }

    // MARK: - CSI

    private static func csi(_ input: [UInt32]) -> Decoded {
        // The Linux console's F1–F5: ESC [ [ A … ESC [ [ E.
        if input.count >= 2 && input[1] == 0x5B {
            guard input.count >= 3 else { return .needMore }
            if (0x41...0x45).contains(input[2]) { return .key(.function(Int(input[2]) - 0x40), length: 3) }
            return .key(nil, length: 2)  // `ESC [ [` then something else: the CSI `ESC [ [`, swallowed
        }
        var i = 1
        while i < input.count, (0x30...0x3F).contains(input[i]) { i += 1 }
        let parameterEnd = i
        while i < input.count, (0x20...0x2F).contains(input[i]) { i += 1 }
        guard i < input.count else { return .needMore }
        let final = input[i]
        // Anything else (a control character, DEL, a non-ASCII character) cuts the sequence: what came before it
        // is swallowed, the character itself is read as a key.
        guard (0x40...0x7E).contains(final) else { return .key(nil, length: i) }
        let length = i + 1
        // xterm's SGR mouse report: `ESC [ < b ; x ; y M` (press, wheel) or `… m` (release).
        if input[1] == 0x3C, parameterEnd == i, final == 0x4D || final == 0x6D {
            guard let numbers = numbers(input[2..<parameterEnd]),
                  let event = MouseEvent.sgr(numbers, release: final == 0x6D) else { return .key(nil, length: length) }
            return .key(.mouse(event), length: length)
        }
        guard parameterEnd == i, let parameters = numbers(input[1..<parameterEnd]) else {
            return .key(nil, length: length)  // private parameters (`?`, `<`…) or intermediates: not a key
        }
        return .key(csiKey(final: final, parameters: parameters), length: length)
    }

    /// The key of a CSI sequence with plain numeric parameters (`1;5` → [1, 5]; an empty one is 0).
    private static func csiKey(final: UInt32, parameters: [Int]) -> Key? {
        let first = parameters.first ?? 0
        // With a modifier, the first parameter of a letter key is 1 (`ESC [1;5A`); plain ones have none.
        let plainLetter = parameters.count <= 1 ? first <= 1 : first == 1 && parameters.count == 2
        switch final {
        case 0x7E:  // ~
            guard parameters.count <= 2 else { return nil }
            return tildeKey(first)
        case 0x5A: return parameters.isEmpty || plainLetter ? .backTab : nil  // Z
        default:
            guard plainLetter else { return nil }
            return letterKey(final)
        }
    }

    /// `ESC [ n ~` (VT220 style, also rxvt and the Linux console).
    static func tildeKey(_ n: Int) -> Key? {
        switch n {
        case 1, 7: return .home
        case 2: return .insert
        case 3: return .delete
        case 4, 8: return .end
        case 5: return .pageUp
        case 6: return .pageDown
        case 11...15: return .function(n - 10)
        case 17...21: return .function(n - 11)
        case 23...26: return .function(n - 12)
        case 28, 29: return .function(n - 13)
        case 31...34: return .function(n - 14)
        default: return nil
        }
    }

    /// The final letter of `ESC [ A` or `ESC O A` and the like.
    static func letterKey(_ final: UInt32) -> Key? {
        switch final {
        case 0x41: return .up  // A
        case 0x42: return .down  // B
        case 0x43: return .right  // C
        case 0x44: return .left  // D
        case 0x48: return .home  // H
        case 0x46: return .end  // F
        case 0x50...0x53: return .function(Int(final) - 0x4F)  // P Q R S: F1–F4
        default: return nil
        }
    }

    /// Plain numbers separated by `;` (`:` sub-parameters are not keys); `nil` for anything else.
    private static func numbers(_ bytes: ArraySlice<UInt32>) -> [Int]? {
        if bytes.isEmpty { return [] }
        var out: [Int] = [0]
        for b in bytes {
            switch b {
            case 0x30...0x39:
                guard out[out.count - 1] < 100_000 else { return nil }
                out[out.count - 1] = out[out.count - 1] * 10 + Int(b - 0x30)
            case 0x3B: out.append(0)
            default: return nil
            }
        }
        return out
    }

    // MARK: - SS3

    private static func ss3(_ input: [UInt32]) -> Decoded {
        var i = 1
        while i < input.count, (0x30...0x3F).contains(input[i]) { i += 1 }  // old xterm's `ESC O 5 A`
        guard i < input.count else { return .needMore }
        let final = input[i]
        guard (0x40...0x7E).contains(final) else { return .key(nil, length: i) }
        if let key = letterKey(final) { return .key(key, length: i + 1) }
        // The application keypad: Enter, and digits and operators as the characters they show.
        switch final {
        case 0x4D: return .key(.enter, length: i + 1)  // M
        case 0x6A...0x79:  // j…y: * + , - . / 0…9
            let characters: [Character] = ["*", "+", ",", "-", ".", "/", "0", "1", "2", "3", "4", "5", "6", "7",
                                           "8", "9"]
            return .key(.character(characters[Int(final - 0x6A)]), length: i + 1)
        case 0x58: return .key(.character("="), length: i + 1)  // X
        default: return .key(nil, length: i + 1)
        }
    }

    // MARK: - Strings

    /// OSC, DCS, APC, PM, SOS: everything up to the string terminator (BEL, `ESC \` or 0x9C), swallowed.
    private static func string(_ input: [UInt32]) -> Decoded {
        var i = 1
        while i < input.count {
            switch input[i] {
            case 0x07, 0x9C: return .key(nil, length: i + 1)
            case 0x1B:
                guard i + 1 < input.count else { return .needMore }
                // ESC \ ends the string; an ESC followed by anything else ends it too and starts a new sequence.
                return input[i + 1] == 0x5C ? .key(nil, length: i + 2) : .key(nil, length: i)
            default: i += 1
            }
        }
        return .needMore
    }
}

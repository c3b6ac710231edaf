import Foundation

/// The system clipboard through the terminal: OSC 52 (`ESC ] 52 ; c ; <base64> ESC \`), which xterm, kitty,
/// iTerm2, WezTerm, Windows Terminal and others understand, also through ssh; tmux passes it on (and keeps a
/// paste buffer) with `set -g set-clipboard on`.
public enum Clipboard {
    /// The bytes that put `text` on the clipboard: the OSC 52 sequence with `text` as base64, ended by ST.
    public static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1B}]52;c;".utf8) + Array(Data(text.utf8).base64EncodedString().utf8) + [0x1B, UInt8(ascii: "\\")]
    }
}

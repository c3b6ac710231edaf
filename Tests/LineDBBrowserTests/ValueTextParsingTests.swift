import LineDB
import Testing
@testable import LineDBBrowser

/// The browser reads typed text with the engine's one parser (`ColumnType.value(fromText:)`): the cell editor,
/// the add form and the filters accept and refuse exactly what the command line and CSV import do.
@Suite("Browser: one parser for typed values")
struct ValueTextParsingTests {
    private func bytes(_ value: JSONValue) -> [UInt8] { Array(JSONWriter.encode(value).utf8) }

    @Test("the editor's parse is the engine's, in every type")
    func editorParsesLikeTheEngine() {
        let cases: [(ColumnType, String)] = [
            (.bool, "yes"), (.bool, "t"), (.bool, "TRUE"), (.bool, "maybe"), (.str, "null"), (.str, "\"null\""),
            (.str, "\"\""), (.str, ""), (.str, " x "), (.str, "\u{1B}]0;t\u{7}"), (.int, " 7 "), (.int, "7.5"),
            (.float, "1e400"), (.float, "0x10"), (.json, "[1, \"a\"]"), (.json, "plain"), (.json, "\"plain\""),
            (.date, "2026-02-30"), (.date, "2026-02-03"), (.datetime, "2026-02-03 04:05"),
        ]
        for (type, text) in cases {
            let engine: JSONValue? = try? type.value(fromText: text)
            switch ValueText.parse(text, for: Column("c", type)) {
            case .success(let value):
                #expect(engine.map(bytes) == bytes(value), "\(type) \(text.debugDescription): browser \(value)")
            case .failure(let error):
                #expect(engine == nil, "\(type) \(text.debugDescription): browser refused (\(error))")
                #expect(error.description.hasPrefix("c: "))
            }
        }
        // What the editor starts with reads back as the cell's value: "" and "null" are not confused with null
        // (the editor holds null as null, and empty text in a str cell is "").
        for (type, value) in [(ColumnType.str, JSONValue.string("")), (.str, "null"), (.str, "\"q\""), (.str, "a"),
                              (.json, "text"), (.json, ["k": 1]), (.bool, true), (.float, 3.0), (.int, 12),
                              (.str, .null), (.int, .null), (.json, .null)] {
            let editor = ValueText.editor(for: value, type: type)
            let text = editor.string
            guard case .success(let back) = ValueText.parse(editor, for: Column("c", type)) else {
                Issue.record("\(type) \(value): its edit text \(text.debugDescription) is refused")
                continue
            }
            #expect(bytes(back) == bytes(value), "\(type) \(value): edit text \(text.debugDescription)")
        }
        #expect(ValueText.editText(.null, type: .str) == "")
    }

    @Test("filters read their operand with the same parser")
    func filtersParseLikeTheEngine() {
        #expect(RowFilter(column: 0, text: "= yes").compiled(type: .bool).wanted == .bool(true))
        #expect(RowFilter(column: 0, text: "= null").compiled(type: .str).wanted.isNull)
        #expect(RowFilter(column: 0, text: "= \"null\"").compiled(type: .str).wanted == "null")
        #expect(RowFilter(column: 0, text: "> 2.5").compiled(type: .int).wanted == .double(2.5))
        #expect(RowFilter(column: 0, text: "> 2024").compiled(type: .date).wanted == "2024")  // compared as text
        #expect(RowFilter(column: 0, text: "= maybe").problem(column: "ok", type: .bool)
            == "filter ok = maybe: 'maybe' is not true or false (ok is bool)")
        #expect(RowFilter(column: 0, text: "< 0x1").problem(column: "n", type: .int) != nil)
    }

    @Test("the grid shows control and bidi characters visibly, as the command line does (one definition)")
    func displayShowsHiddenCharacters() {
        let value: JSONValue = .string("a\u{1B}]0;t\u{7}\u{9B}b\u{202E}c\nd\te")
        #expect(ValueText.display(value) == #"a\u{1B}]0;t\u{7}\u{9B}b\u{202E}c"# + "↵d⇥e")
        #expect(ValueText.display(value) == VisibleText.escaped("a\u{1B}]0;t\u{7}\u{9B}b\u{202E}c\nd\te"))
        #expect(ValueText.display(["k": "\u{2066}x\u{85}"]) == #"{"k":"\u{2066}x\u{85}"}"#)
    }
}

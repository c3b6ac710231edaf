import Foundation
import LineDBBrowser
import Testing

/// The config file and themes in `Resources/` (bundled with `linedb`): the text the code generates from the
/// standard key map and themes, byte for byte, and parsed back to exactly those.
@Suite("Resources/config and Resources/themes")
struct ConfigResourceTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources").path

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: resources + "/" + relative, encoding: .utf8)
    }

    @Test("Resources/config/default.json is the generated default (regenerate: linedb config --default > it)")
    func defaultFileIsCurrent() throws {
        #expect(try Self.read("config/default.json") == Configuration.defaultFileText())
    }

    @Test("the default file names every standard binding and parses back to the standard configuration")
    func defaultFileIsComplete() throws {
        let parsed = try Configuration.parse(Configuration.defaultFileText())
        #expect(parsed.keyMap == KeyMap.standard)
        #expect(parsed.theme == Theme.standard)
        // Every binding is written out, not merely left to the defaults.
        let text = Configuration.defaultFileText()
        for (key, action) in KeyMap.standard.bindings {
            let line = "\(JSONText.quoted(KeyName.describe(key))): \(JSONText.quoted(action.rawValue))"
            #expect(text.contains(line), "missing \(line)")
        }
    }

    @Test("each theme file is the generated text and parses back to exactly its theme", arguments: ["standard", "light"])
    func themeFiles(name: String) throws {
        let theme = try #require(Configuration.themes.first { $0.name == name }?.theme)
        let text = try Self.read("themes/\(name).json")
        #expect(text == Configuration.themeFileText(named: name, theme))
        #expect(try Configuration.parse(text).theme == theme)
    }

    @Test("\"theme\": \"light\" starts from the light colours; \"colors\" change them wherever \"theme\" stands")
    func themeSetting() throws {
        #expect(try Configuration.parse(#"{"theme": "light"}"#).theme == Theme.light)
        #expect(Theme.light != Theme.standard)
        let both = try Configuration.parse(#"{"colors": {"cursor": "red"}, "theme": "light"}"#)
        var expected = Theme.light
        expected[.cursor].foreground = .index(1)
        #expect(both.theme == expected)
    }

    @Test("an unknown theme is refused with its line and the names there are")
    func unknownTheme() {
        let error = #expect(throws: Configuration.Problem.self) {
            try Configuration.parse("{\n  \"theme\": \"ligt\"\n}")
        }
        #expect(error?.line == 2)
        #expect(error?.message.contains("did you mean \"light\"") == true)
        #expect(error?.message.contains("standard") == true)
    }

    @Test("a colour's config name reads back as the same colour", arguments: Array(-1...255))
    func colourNames(number: Int) {
        let color: Theme.Color = number < 0 ? .terminalDefault : .index(number)
        #expect(Theme.Color(name: color.configName) == color)
    }
}

/// JSON string literals as the config file writes them.
enum JSONText {
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

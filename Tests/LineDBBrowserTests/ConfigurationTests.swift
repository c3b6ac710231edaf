import Foundation
import LineDB
import Testing
@testable import LineDBBrowser

@Suite("Browser configuration: key bindings and colours from config.json")
struct ConfigurationTests {
    /// Writes `text` as `<dir>/xdg/linedb/config.json` and returns the environment that points there.
    func environment(_ text: String, in dir: BrowserTempDir) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: dir.path + "/xdg/linedb", withIntermediateDirectories: true)
        try text.write(toFile: dir.path + "/xdg/linedb/config.json", atomically: true, encoding: .utf8)
        return ["XDG_CONFIG_HOME": dir.path + "/xdg", "HOME": dir.path + "/home"]
    }

    static let valid = """
        {
          "keys": {
            "J": "page-down",
            "ctrl-f": "search",
            "x": null,
            "space": "page-down",
            "f5": "save"
          },
          "colors": {
            "cursor": { "fg": "black", "bg": "yellow", "bold": true },
            "null": "bright-black",
            "key-hint": { "bg": 236, "reverse": false }
          }
        }
        """

    @Test("a valid file rebinds, adds and unbinds keys and changes colours; other keys and styles keep the defaults")
    func valid() throws {
        let dir = BrowserTempDir()
        let config = Configuration.load(environment: try environment(Self.valid, in: dir))
        #expect(config.problem == nil)
        #expect(config.path == dir.path + "/xdg/linedb/config.json")
        #expect(config.keyMap[.character("J")] == .pageDown && config.keyMap[.character(" ")] == .pageDown)
        #expect(config.keyMap[.control("f")] == .search && config.keyMap[.function(5)] == .save)
        #expect(config.keyMap[.character("x")] == nil)
        #expect(config.keyMap[.character("j")] == .down && config.keyMap[.character("/")] == .search)
        #expect(config.theme[.cursor] == Theme.Look(.index(0), .index(3), .bold))
        #expect(config.theme[.null] == Theme.Look(.index(8), .terminalDefault, .dim))  // the fg only
        #expect(config.theme[.keyHint] == Theme.Look(.index(0), .index(236)))
        #expect(config.theme[.header] == Theme.standard[.header])
    }

    /// The ```json block of README.md's config-file section, found from this file's place in the repository.
    static func readmeExample() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "config.json"), "README.md no longer mentions config.json")
        let open = try #require(readme.range(of: "\n```json\n", range: section.lowerBound..<readme.endIndex),
                                "no ```json block after README.md's first mention of config.json")
        let close = try #require(readme.range(of: "\n```\n", range: open.upperBound..<readme.endIndex))
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test("README.md's example config loads without a problem, and every key and colour it gives takes effect")
    func readmeExampleLoads() throws {
        let text = try Self.readmeExample()
        let dir = BrowserTempDir()
        let config = Configuration.load(environment: try environment(text, in: dir))
        #expect(config.problem == nil, "\(config.problem ?? "")")
        #expect(config.path == dir.path + "/xdg/linedb/config.json")
        #expect(config != .standard)

        // Read the example again with Foundation (not with the browser's parser) and check each setting in it.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let keys = try #require(json["keys"] as? [String: Any], "the example binds no keys")
        let colors = try #require(json["colors"] as? [String: Any], "the example sets no colours")
        #expect(!keys.isEmpty && !colors.isEmpty)
        // The colours start from the theme the example names (the standard one when it names none).
        let themeName = json["theme"] as? String ?? "standard"
        let base = try #require(Configuration.themes.first { $0.name == themeName }?.theme, "README theme \(themeName)")
        var named = Set<Key>()
        for (name, value) in keys {
            let key = try #require(KeyName.parse(name), "README key \(name)")
            named.insert(key)
            if let action = value as? String, action != "none" {
                #expect(config.keyMap[key] == Action(rawValue: action), "README key \(name): \(action)")
                #expect(config.keyMap[key] != nil, "README key \(name): \(action) is not an action")
            } else {
                #expect(value is NSNull || value as? String == "none", "README key \(name): \(value)")
                #expect(config.keyMap[key] == nil, "README key \(name) is still bound")
            }
        }
        for (key, action) in KeyMap.standard.bindings where !named.contains(key) {
            #expect(config.keyMap[key] == action, "\(key) lost its default binding")
        }
        func color(_ value: Any) -> Theme.Color? {
            if let name = value as? String { return Theme.Color(name: name) }
            if let number = value as? Int { return Theme.Color(name: String(number)) }
            return nil
        }
        for (name, value) in colors {
            let style = try #require(Theme.style(named: name), "README style \(name)")
            let look = config.theme[style], standard = base[style]
            if let fields = value as? [String: Any] {
                let fg = try fields["fg"].map { try #require(color($0), "README \(name).fg") }
                let bg = try fields["bg"].map { try #require(color($0), "README \(name).bg") }
                #expect(look.foreground == fg ?? standard.foreground, "README \(name).fg")
                #expect(look.background == bg ?? standard.background, "README \(name).bg")
                for (field, attribute) in Theme.Attributes.names {
                    let on = (fields[field] as? Bool) ?? standard.attributes.contains(attribute)
                    #expect(look.attributes.contains(attribute) == on, "README \(name).\(field)")
                }
            } else {
                let fg = try #require(color(value), "README \(name): \(value)")
                #expect(look.foreground == fg, "README \(name): \(value)")
                #expect(look.background == standard.background && look.attributes == standard.attributes)
            }
        }
        for style in CellStyle.allCases where colors[Theme.name(of: style)] == nil {
            #expect(config.theme[style] == base[style], "\(style) lost its theme's look")
        }
    }

    @Test("the file is $XDG_CONFIG_HOME/linedb/config.json, else ~/.config/linedb/config.json; none: the defaults")
    func location() throws {
        #expect(Configuration.filePath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/linedb/config.json")
        #expect(Configuration.filePath(environment: ["HOME": "/h"]) == "/h/.config/linedb/config.json")
        #expect(Configuration.filePath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"])
                == "/h/.config/linedb/config.json")  // not absolute: ignored, as the XDG spec says
        #expect(Configuration.filePath(environment: [:]) == nil)
        let dir = BrowserTempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/.config/linedb", withIntermediateDirectories: true)
        try #"{"keys": {"J": "last-row"}}"#.write(toFile: dir.path + "/.config/linedb/config.json", atomically: true,
                                                  encoding: .utf8)
        #expect(Configuration.load(environment: ["HOME": dir.path]).keyMap[.character("J")] == .lastRow)
        #expect(Configuration.load(environment: ["HOME": dir.path + "/nowhere"]) == .standard)
    }

    @Test("invalid JSON: the message names the file and the line, and the defaults are used")
    func invalidJSON() throws {
        let dir = BrowserTempDir()
        let text = """
            {
              "keys": {
                "J": "page-down"
                "K": "page-up"
              }
            }
            """
        let config = Configuration.load(environment: try environment(text, in: dir))
        let problem = try #require(config.problem)
        #expect(problem.hasPrefix("config \(dir.path)/xdg/linedb/config.json line 4: invalid JSON: "), "\(problem)")
        #expect(problem.hasSuffix("; using the default keys and colours"))
        #expect(config.keyMap == .standard && config.theme == .standard)
    }

    @Test("an unknown key name is named with its line")
    func unknownKeyName() throws {
        let text = "{\n  \"keys\": {\n    \"j\": \"down\",\n    \"ctrl-ä\": \"search\"\n  }\n}"
        #expect(throws: Configuration.Problem.self) { try Configuration.parse(text) }
        do {
            _ = try Configuration.parse(text)
        } catch {
            #expect(error.line == 4)
            #expect(error.description.hasPrefix("line 4: \"ctrl-ä\": unknown key name"), "\(error)")
        }
        let dir = BrowserTempDir()
        let config = Configuration.load(environment: try environment(text, in: dir))
        #expect(config.problem?.contains("line 4: \"ctrl-ä\": unknown key name") == true)
        #expect(config.keyMap == .standard)
    }

    @Test("an unknown action is named with its key and line, with the closest action suggested")
    func unknownAction() throws {
        let text = "{\"colors\": {\"cursor\": \"red\"},\n \"keys\": {\n  \"J\": \"page-dwn\"}}"
        do {
            _ = try Configuration.parse(text)
            Issue.record("parsed")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.hasPrefix(
                "line 3: key \"J\": unknown action \"page-dwn\"; did you mean \"page-down\"? (actions: up, down,"),
                "\(error)")
        }
    }

    @Test("unknown settings, styles, colours and fields, and values of the wrong kind, name their line")
    func otherProblems() {
        let cases: [(String, String)] = [
            ("{\n\"keyz\": {}}", "line 2: \"keyz\": unknown setting"),
            ("[1]", "line 1: the file must hold a JSON object"),
            ("{\"keys\": [\"j\"]}", "line 1: \"keys\" must be an object"),
            ("{\"keys\": {\n\"j\": 3}}", "line 2: key \"j\": the action must be a string"),
            ("{\"colors\": {\n\n\"cursr\": \"red\"}}", "line 3: \"cursr\": unknown style; did you mean \"cursor\"?"),
            ("{\"colors\": {\"cursor\": {\n\"fg\": \"purple\"}}}", "line 2: \"cursor\": unknown colour \"purple\""),
            ("{\"colors\": {\"cursor\": {\n\"blink\": true}}}", "line 2: \"cursor\": unknown field \"blink\""),
            ("{\"colors\": {\"cursor\": {\n\"bold\": 1}}}", "line 2: \"cursor\": \"bold\" must be true or false"),
            ("", "line 1: invalid JSON"),
        ]
        for (text, expected) in cases {
            do {
                _ = try Configuration.parse(text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.description.hasPrefix(expected), "\(text) → \(error)")
            }
        }
    }

    @Test("key names: every key's config name reads back as the same key; names ignore case, characters do not")
    func keyNames() {
        for key in KeyMap.standard.bindings.keys { #expect(KeyName.parse(KeyName.describe(key)) == key) }
        #expect(KeyName.parse("PgDn") == .pageDown && KeyName.parse("Ctrl-R") == .control("r"))
        #expect(KeyName.parse("J") == .character("J") && KeyName.parse("é") == .character("é"))
        #expect(KeyName.parse("F12") == .function(12) && KeyName.parse("Shift-Tab") == .backTab)
        #expect(KeyName.parse("ctrl-1") == nil && KeyName.parse("hyper-x") == nil && KeyName.parse("") == nil)
        #expect(KeyName.parse("f64") == nil && KeyName.parse("\t") == nil)
    }

    @Test("the browser uses the config: rebound keys act, the help and hints show them, the theme reaches the terminal")
    func appUsesIt() throws {
        let dir = BrowserTempDir()
        let text = #"{"keys": {"J": "page-down", "?": null, "F1": "help", "/": "none", "ctrl-f": "search"}, "#
            + #""colors": {"cursor": {"bg": "yellow"}}}"#
        let app = BrowserApp(database: try Fixture.memory(studentCount: 100))
        app.configuration = Configuration.load(environment: try environment(text, in: dir))
        let terminal = MemoryTerminal(rows: 24, columns: 80, keys: [.enter, .character("J"), .character("/")])
        _ = try app.run(on: terminal)
        #expect(app.state?.row == 14)  // one page down
        #expect(terminal.screen.contains("/: no action"))
        #expect(terminal.theme[.cursor].background == .index(3))
        let hints = terminal.screen.split(separator: "\n").last.map(String.init) ?? ""
        #expect(hints.hasPrefix("F1 help  q quit") && hints.contains("Ctrl-F search"), "\(hints)")
        let help = MemoryTerminal(rows: 24, columns: 80, keys: [.function(1)])
        _ = try app.run(on: help)
        let lines = help.screen.split(separator: "\n")
        #expect(lines.contains { $0.contains("Ctrl-F") && $0.contains("search; ^R regex ^T col") }, "\(help.screen)")
        // (At 80x24 the help scrolls: the Database group is on a later page.)
        var pages = help.screen
        for downs in 1...6 {
            let more = MemoryTerminal(rows: 24, columns: 80, keys: [.function(1)] + Array(repeating: .pageDown, count: downs))
            _ = try app.run(on: more)
            pages += "\n" + more.screen
        }
        #expect(pages.split(separator: "\n").contains { $0.contains("F1") && $0.contains("this help") }
                && !pages.contains("? "), "\(pages)")
    }

    @Test("an invalid config is reported in the status line of the first frame; the standard keys work")
    func appReportsProblem() throws {
        let dir = BrowserTempDir()
        let app = BrowserApp(database: try Fixture.memory(studentCount: 100))
        app.configuration = Configuration.load(environment: try environment("{\"keys\": {\"J\": \"fly\"}}", in: dir))
        let terminal = MemoryTerminal(rows: 24, columns: 200, keys: [.enter, .character("j")])
        _ = try app.run(on: terminal)
        let status = statusArea(terminal.frames[0])
        #expect(status.contains("config \(dir.path)/xdg/linedb/config.json line 1: key \"J\": unknown action \"fly\""),
                "\(status)")
        #expect(app.state?.row == 1)
    }
}

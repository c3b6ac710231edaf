import Foundation
import LineDB

/// The browser's settings from `$XDG_CONFIG_HOME/linedb/config.json` (or `~/.config/linedb/config.json`): key
/// bindings and colours. The file is optional; every setting in it is optional.
///
/// ```json
/// {
///   "theme": "light",
///   "keys": { "J": "page-down", "K": "page-up", "ctrl-f": "search", "x": null },
///   "colors": { "cursor": { "fg": "black", "bg": "yellow", "bold": true }, "null": "bright-black" }
/// }
/// ```
///
/// `"theme"` picks the built-in colours to start from (``Configuration/themes``: `standard`, `light`).
/// `"keys"` binds a key name (see ``KeyName``) to an ``Action`` name, or unbinds it (`null` or `"none"`); keys not
/// named keep their standard action. `"colors"` gives a style (``Theme/name(of:)``) a foreground colour (a
/// string), or an object with `fg`, `bg` (``Theme/Color``) and `bold`, `dim`, `reverse`, `underline` (true or
/// false). `"mouse": false` leaves clicks and the wheel to the terminal (on by default). A file that is not valid
/// is not used at all: the browser says where it is wrong (line and key) and runs with the defaults.
public struct Configuration: Sendable, Equatable {
    public var keyMap: KeyMap
    public var theme: Theme
    /// Whether clicks and the wheel are reported (`"mouse": false` in the file turns them off; on by default).
    public var mouse = true
    /// The file the settings came from, if one was read.
    public var path: String?
    /// Why the file was not used (the defaults are): the message the status line shows at start.
    public var problem: String?

    public init(keyMap: KeyMap = .standard, theme: Theme = .standard, path: String? = nil, problem: String? = nil) {
        self.keyMap = keyMap
        self.theme = theme
        self.path = path
        self.problem = problem
    }

    /// The built-in keys and colours.
    public static let standard = Configuration()

    /// What is wrong with a config file, and where.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line, when known.
        public var line: Int?
        public var message: String
        public var description: String { (line.map { "line \($0): " } ?? "") + message }
    }

    /// Where the config file is looked for: `$XDG_CONFIG_HOME/linedb/config.json` when `XDG_CONFIG_HOME` is set
    /// to an absolute path, else `$HOME/.config/linedb/config.json`; `nil` without either.
    public static func filePath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/linedb/config.json" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/linedb/config.json" }
        return nil
    }

    /// Reads the config file. No file: the defaults. A file that cannot be read or is not valid: the defaults,
    /// with ``problem`` saying why (path, line and key).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> Configuration {
        guard let path = filePath(environment: environment), FileManager.default.fileExists(atPath: path) else {
            return .standard
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return Configuration(path: path, problem: "config \(path): cannot be read (\(error.localizedDescription)); "
                + "using the default keys and colours")
        }
        do {
            var configuration = try parse(text)
            configuration.path = path
            return configuration
        } catch {
            return Configuration(path: path, problem: "config \(path) \(error); using the default keys and colours")
        }
    }

    /// Parses the text of a config file.
    /// - Throws: ``Problem`` naming the line and the key that is wrong.
    public static func parse(_ text: String) throws(Problem) -> Configuration {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw Problem(line: JSONKeyLines.line(ofOffset: error.offset, in: text),
                          message: "invalid JSON: \(error.message)")
        }
        let lines = JSONKeyLines.index(text)
        func fail(_ path: [String], _ message: String) -> Problem {
            Problem(line: lines[path], message: message)
        }
        guard let object = root.objectValue else {
            throw Problem(line: 1, message: "the file must hold a JSON object like {\"keys\": {…}, \"colors\": {…}}")
        }
        var configuration = Configuration()
        // The theme first, wherever it stands: "colors" change it style by style.
        if let value = object["theme"] {
            guard let name = value.stringValue,
                  let theme = themes.first(where: { $0.name == name.lowercased() })?.theme else {
                let names = themes.map(\.name)
                throw fail(["theme"], "\"theme\": unknown theme \(ValueText.json(value))"
                    + suggestion(value.stringValue ?? "", among: names) + " (themes: \(names.joined(separator: ", ")))")
            }
            configuration.theme = theme
        }
        for (name, value) in object {
            switch name {
            case "theme":
                continue
            case "keys":
                guard let keys = value.objectValue else {
                    throw fail([name], "\"keys\" must be an object of key names and actions, like {\"J\": \"page-down\"}")
                }
                for (keyName, actionValue) in keys {
                    guard let key = KeyName.parse(keyName) else {
                        throw fail([name, keyName], "\"\(keyName)\": unknown key name (a character like \"j\" or "
                            + "\"J\", or enter, tab, shift-tab, esc, space, backspace, delete, up, down, left, right, "
                            + "pgup, pgdn, home, end, f1…f63, ctrl-a…ctrl-z)")
                    }
                    switch actionValue {
                    case .null: configuration.keyMap.bind(key, to: nil)
                    case .string("none"): configuration.keyMap.bind(key, to: nil)
                    case .string(let actionName):
                        guard let action = Action(rawValue: actionName) else {
                            throw fail([name, keyName], "key \"\(keyName)\": unknown action \"\(actionName)\""
                                + suggestion(actionName, among: Action.allCases.map(\.rawValue))
                                + " (actions: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
                        }
                        configuration.keyMap.bind(key, to: action)
                    default:
                        throw fail([name, keyName], "key \"\(keyName)\": the action must be a string like "
                            + "\"page-down\", or null to unbind the key")
                    }
                }
            case "colors", "colours":
                guard let colors = value.objectValue else {
                    throw fail([name], "\"\(name)\" must be an object of styles, like {\"cursor\": {\"bg\": \"yellow\"}}")
                }
                for (styleName, lookValue) in colors {
                    guard let style = Theme.style(named: styleName) else {
                        let names = CellStyle.allCases.map(Theme.name(of:))
                        throw fail([name, styleName], "\"\(styleName)\": unknown style"
                            + suggestion(styleName, among: names) + " (styles: \(names.joined(separator: ", ")))")
                    }
                    configuration.theme[style] = try look(lookValue, base: configuration.theme[style],
                                                          path: [name, styleName], fail: fail)
                }
            case "mouse":
                guard let on = value.boolValue else {
                    throw fail([name], "\"mouse\" must be true or false (false: clicks and the wheel go to the terminal)")
                }
                configuration.mouse = on
            default:
                throw fail([name], "\"\(name)\": unknown setting (the file has \"theme\", \"keys\", \"colors\" and "
                    + "\"mouse\")")
            }
        }
        return configuration
    }

    private static func look(
        _ value: JSONValue, base: Theme.Look, path: [String], fail: ([String], String) -> Problem
    ) throws(Problem) -> Theme.Look {
        let style = path.last ?? ""
        func color(_ value: JSONValue, _ field: [String]) throws(Problem) -> Theme.Color {
            let text: String
            switch value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            default: text = ValueText.json(value)
            }
            guard let color = Theme.Color(name: text) else {
                throw fail(field, "\"\(style)\": unknown colour \(ValueText.json(value)) (default, black, red, green, "
                    + "yellow, blue, magenta, cyan, white, bright-red…, or 0–255)")
            }
            return color
        }
        var look = base
        switch value {
        case .string, .int:
            look.foreground = try color(value, path)
        case .object(let fields):
            for (field, v) in fields {
                switch field {
                case "fg": look.foreground = try color(v, path + [field])
                case "bg": look.background = try color(v, path + [field])
                default:
                    guard let attribute = Theme.Attributes.names.first(where: { $0.0 == field })?.1 else {
                        throw fail(path + [field], "\"\(style)\": unknown field \"\(field)\" (fg, bg, bold, dim, "
                            + "reverse, underline)")
                    }
                    guard let on = v.boolValue else {
                        throw fail(path + [field], "\"\(style)\": \"\(field)\" must be true or false")
                    }
                    if on { look.attributes.insert(attribute) } else { look.attributes.remove(attribute) }
                }
            }
        default:
            throw fail(path, "\"\(style)\": expected a colour name or an object like {\"fg\": \"red\", \"bold\": true}")
        }
        return look
    }

    /// `; did you mean "x"?` for the closest name (one edit away per three letters, or starting with `name`), or
    /// nothing.
    static func suggestion(_ name: String, among names: [String]) -> String {
        let scored = names.map { ($0, editDistance(name.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored,
              distance <= max(1, name.count / 3) || best.hasPrefix(name.lowercased()) && name.count >= 3
        else { return "" }
        return "; did you mean \"\(best)\"?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

import Foundation
import LineDB

/// What `/` looks for: plain text or a regular expression (both ignoring case), in every column or in one.
/// In the search prompt Ctrl-R turns the regular expression on or off and Ctrl-T switches between all columns and
/// the cursor's column.
public struct SearchPattern: Sendable, Equatable {
    /// The text typed.
    public var text: String
    /// Whether ``text`` is a regular expression (ICU syntax, as `NSRegularExpression`; case ignored unless the
    /// pattern says `(?-i)`).
    public var isRegex: Bool
    /// The one column searched, or `nil` for every column.
    public var column: Int?

    public init(_ text: String, isRegex: Bool = false, column: Int? = nil) {
        self.text = text
        self.isRegex = isRegex
        self.column = column
    }
}

/// A regular expression that does not compile: what is wrong and where (1-based character position).
public struct SearchPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pattern: String
    /// The character (1-based) where the problem was found, when known.
    public var position: Int?
    public var reason: String

    public var description: String {
        let at = position.map { " at character \($0)" } ?? ""
        return "bad regular expression\(at): \(reason) (Ctrl-R in the search prompt searches it as plain text)"
    }
}

/// Tests cells against a ``SearchPattern``: ``TextMatcher`` for plain text, `NSRegularExpression` for a regular
/// expression (on a string's own text; other values on their grid text, as plain search sees them).
struct SearchMatcher: Sendable {
    let pattern: SearchPattern
    private let plain: TextMatcher?
    private let regex: NSRegularExpression?

    /// The matcher of `pattern`, or why its regular expression does not compile (never a crash).
    static func make(_ pattern: SearchPattern) -> Result<SearchMatcher, SearchPatternError> {
        guard pattern.isRegex else { return .success(SearchMatcher(pattern: pattern, plain: TextMatcher(pattern.text), regex: nil)) }
        do {
            let regex = try NSRegularExpression(pattern: pattern.text, options: [.caseInsensitive])
            return .success(SearchMatcher(pattern: pattern, plain: nil, regex: regex))
        } catch {
            return .failure(SearchMatcher.explain(pattern.text))
        }
    }

    private init(pattern: SearchPattern, plain: TextMatcher?, regex: NSRegularExpression?) {
        self.pattern = pattern
        self.plain = plain
        self.regex = regex
    }

    /// The columns searched, in order, of a table of `count` columns.
    func scope(columns count: Int) -> [Int] {
        if let c = pattern.column, c >= 0, c < count { return [c] }
        return Array(0..<count)
    }

    /// Whether the value matches.
    func matches(_ value: JSONValue) -> Bool {
        if let plain { return plain.matches(value) }
        guard let regex else { return false }
        let text: String
        switch value {
        case .string(let s): text = s
        case .null: text = "null"
        default: text = ValueText.json(value)
        }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Whether a cell of `row` in the scope matches.
    func matches(row: [JSONValue]) -> Bool {
        if let c = pattern.column { return c < row.count && matches(row[c]) }
        return row.contains(where: matches)
    }

    /// Why `text` is not a regular expression, with the position: `NSRegularExpression` says only "invalid", so the
    /// standard library's parser is asked where (its error carries the place it stopped).
    private static func explain(_ text: String) -> SearchPatternError {
        do {
            _ = try Regex(text)
        } catch {
            let reason = String(describing: error)
            var position: Int?
            let location = Mirror(reflecting: error).children.first { $0.label == "location" }?.value
            if let location, let range = Mirror(reflecting: location).children.first(where: { $0.label == "range" })?
                .value as? Range<String.Index>
            {
                let at = range.lowerBound.samePosition(in: text) ?? range.lowerBound
                if at >= text.startIndex && at <= text.endIndex { position = text[..<at].count + 1 }
            }
            return SearchPatternError(pattern: text, position: position, reason: reason)
        }
        return SearchPatternError(pattern: text, position: nil, reason: "ICU does not accept it")
    }
}

import LineDB

/// Case-insensitive "contains" over cell values, as search and the `contains` filter use it. An ASCII needle is
/// matched on the UTF-8 bytes without building a lowercased copy of every cell (a search over 1M rows took 4.9 s
/// that way, release build); other needles fall back to `lowercased()`.
struct TextMatcher {
    private let needle: [UInt8]
    private let lowered: String
    private let isASCII: Bool
    private static let nullText = Array("null".utf8)

    init(_ text: String) {
        lowered = text.lowercased()
        needle = Array(lowered.utf8)
        isASCII = needle.allSatisfy { $0 < 0x80 }
    }

    /// Whether the value's grid text contains the needle, ignoring case.
    func matches(_ value: JSONValue) -> Bool {
        if needle.isEmpty { return true }
        switch value {
        case .string(let s):
            guard isASCII else { return ValueText.display(value).lowercased().contains(lowered) }
            var s = s
            return s.withUTF8 { contains($0) }
        case .int(let i):
            var text = String(i)
            return text.withUTF8 { contains($0) }
        case .null: return TextMatcher.nullText.withUnsafeBufferPointer { contains($0) }
        default:
            var text = ValueText.display(value)
            return text.withUTF8 { contains($0) }
        }
    }

    private func contains(_ haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = needle.count
        guard haystack.count >= n else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - n
        while i <= last {
            if lower(haystack[i]) == first {
                var j = 1
                while j < n && lower(haystack[i + j]) == needle[j] { j += 1 }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }

    @inline(__always) private func lower(_ b: UInt8) -> UInt8 {
        b >= 65 && b <= 90 ? b + 32 : b
    }
}

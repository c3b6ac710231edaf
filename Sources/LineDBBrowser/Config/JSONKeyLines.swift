import LineDB

/// The line of each object member's key in a JSON text, by its path (`["keys", "J"]`), so that a config error can
/// name the line. Meant for text that already parsed as JSON; on anything else it returns what it found.
enum JSONKeyLines {
    static func index(_ text: String) -> [[String]: Int] {
        var lines: [[String]: Int] = [:]
        // One entry per open container: its path, whether it is an object, its current key, whether a key is next.
        var stack: [(path: [String], isObject: Bool, key: String?, expectingKey: Bool)] = []
        var line = 1
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\n"):
                line += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var path: [String] = []
                if let top = stack.last { path = top.path + [top.key ?? "[]"] }
                stack.append((path, b == UInt8(ascii: "{"), nil, b == UInt8(ascii: "{")))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let top = stack.last, top.isObject { stack[stack.count - 1].expectingKey = true }
            case UInt8(ascii: "\""):
                // The string runs to the next unescaped quote.
                var j = i + 1
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                    j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1
                }
                let end = min(j, bytes.count - 1)
                if let top = stack.last, top.isObject, top.expectingKey {
                    let raw = Array(bytes[i...end])
                    let key = (try? JSONParser.parse(raw))?.stringValue ?? String(decoding: raw.dropFirst().dropLast(),
                                                                                  as: UTF8.self)
                    lines[top.path + [key]] = line
                    stack[stack.count - 1].key = key
                    stack[stack.count - 1].expectingKey = false
                }
                i = end
            default:
                break
            }
            i += 1
        }
        return lines
    }

    /// The 1-based line of a byte offset.
    static func line(ofOffset offset: Int, in text: String) -> Int {
        1 + text.utf8.prefix(offset).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }
}

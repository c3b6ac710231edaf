import LineDB

/// Which result columns of a query hold a table's primary key, guessed from the SQL text: a column named as the
/// primary key of a table the query reads (after `FROM`, `JOIN` or a comma in a `FROM` list). When several tables
/// read have a key of that name (`id`), the n-th column of that name goes with the n-th of them in the order the
/// query names them (`SELECT * FROM enrolment JOIN student …`: the first `id` is enrolment's, the second
/// student's). An expression or an alias (`count(*)`, `x AS id` of another table) can mislead it; Enter then says
/// the key is not found.
enum QueryOrigins {
    /// The origin of each of `columns` (result column names), given every table's primary key column.
    static func guess(sql: String, columns: [String], keys: [String: String]) -> [QueryResult.Origin?] {
        let read = tablesRead(sql).filter { keys[$0] != nil }
        var seen: [String: Int] = [:]
        return columns.map { name in
            let candidates = read.filter { keys[$0].map { String.exactlyEqual($0, name) } ?? false }
            guard !candidates.isEmpty else { return nil }
            let n = seen[name, default: 0]
            seen[name] = n + 1
            return QueryResult.Origin(table: candidates[min(n, candidates.count - 1)], column: name)
        }
    }

    /// The table names the query reads, in order, each once: the name after `FROM`, `JOIN` or a comma that
    /// follows a table in a `FROM` list (quoted names as SQLite reads them: `"a b"`, `[a b]`, `` `a b` ``).
    static func tablesRead(_ sql: String) -> [String] {
        let tokens = tokenize(sql)
        var out: [String] = []
        var i = 0
        var inFromList = false
        while i < tokens.count {
            let token = tokens[i]
            let upper = token.quoted ? "" : token.text.uppercased()
            if upper == "FROM" || upper == "JOIN" || (token.text == "," && inFromList) {
                if i + 1 < tokens.count, tokens[i + 1].isName {
                    var name = tokens[i + 1]
                    // schema.table: the table.
                    if i + 3 < tokens.count, tokens[i + 2].text == ".", tokens[i + 3].isName {
                        name = tokens[i + 3]
                        i += 2
                    }
                    if !out.contains(where: { String.exactlyEqual($0, name.text) }) { out.append(name.text) }
                    inFromList = upper != "JOIN" || inFromList
                    if upper == "FROM" { inFromList = true }
                    i += 2
                    continue
                }
            }
            if !token.quoted && ["WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "ON", "SELECT", ")", "("]
                .contains(upper.isEmpty ? token.text : upper) {
                inFromList = false
            }
            i += 1
        }
        return out
    }

    private struct Token {
        var text: String
        var quoted: Bool
        /// A word or a quoted name (not punctuation, a number or a string literal).
        var isName: Bool
    }

    /// Words, quoted names, string literals and single punctuation characters; comments skipped.
    private static func tokenize(_ sql: String) -> [Token] {
        let s = Array(sql.unicodeScalars)
        var out: [Token] = []
        var i = 0
        func isWord(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) || c == "$" || c.value >= 0x80
        }
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace {
                i += 1
            } else if c == "-" && i + 1 < s.count && s[i + 1] == "-" {
                while i < s.count && s[i] != "\n" { i += 1 }
            } else if c == "/" && i + 1 < s.count && s[i + 1] == "*" {
                i += 2
                while i + 1 < s.count && !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "\"" || c == "`" || c == "[" || c == "'" {
                let close: Unicode.Scalar = c == "[" ? "]" : c
                var text = String.UnicodeScalarView()
                i += 1
                while i < s.count {
                    if s[i] == close {
                        if close != "]" && i + 1 < s.count && s[i + 1] == close {
                            text.append(close)
                            i += 2
                            continue
                        }
                        break
                    }
                    text.append(s[i])
                    i += 1
                }
                i += 1
                out.append(Token(text: String(text), quoted: true, isName: c != "'"))
            } else if isWord(c) {
                var text = String.UnicodeScalarView()
                while i < s.count && isWord(s[i]) {
                    text.append(s[i])
                    i += 1
                }
                let word = String(text)
                out.append(Token(text: word, quoted: false, isName: !(word.first?.isNumber ?? true)))
            } else {
                out.append(Token(text: String(c), quoted: false, isName: false))
                i += 1
            }
        }
        return out
    }
}

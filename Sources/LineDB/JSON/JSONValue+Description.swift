extension JSONValue: CustomStringConvertible, CustomDebugStringConvertible {
    /// The value as compact JSON, as the records file writes it: `print(record["name"]!)` prints `"Alice"`,
    /// `print(record)` the object's fields as JSON values.
    public var description: String { JSONWriter.encode(self) }

    /// The same compact JSON (so that `debugPrint`, `dump` and test failures show JSON, not the enum's cases).
    public var debugDescription: String { JSONWriter.encode(self) }
}

/// Files exactly as the seed's Python design (the README's "On disk") writes them: `json.dump(indent=2)` schemas
/// without a final newline, `json.dumps` records and WAL lines (`", "` and `": "` separators, `ensure_ascii`
/// escapes with surrogate pairs), keys in the order the Python dict had them.
enum SeedFiles {
    /// The seed's student schema, with `"nullable": true` on the primary key as the seed writes it.
    static let studentSchema = """
        {
          "table_name": "student",
          "schema": {
            "id": {
              "type": "int",
              "primary_key": true,
              "nullable": true,
              "unique": false
            },
            "name": {
              "type": "str",
              "primary_key": false,
              "nullable": false,
              "unique": false
            },
            "email": {
              "type": "str",
              "primary_key": false,
              "nullable": true,
              "unique": true
            },
            "gpa": {
              "type": "float",
              "primary_key": false,
              "nullable": true,
              "unique": false
            }
          },
          "created_at": "2026-01-22T20:31:17.592172"
        }
        """

    /// Three saved students; keys in the dataclass-insert order the seed produced (`id` last), one line with
    /// `id` first; non-ASCII as `\uXXXX`, the emoji as a surrogate pair.
    static let studentRecords = #"""
        {"name": "Alice Johnson", "email": "alice@university.edu", "gpa": 3.8, "id": 1}
        {"id": 2, "name": "Bob Smith", "email": "bob@university.edu", "gpa": 3.5}
        {"name": "Zo\u00eb \ud83d\ude00 \u674e", "email": "zoe@university.edu", "gpa": 3.9, "id": 3}

        """#

    /// The WAL archived by a seed checkpoint: the table's creation and the three inserts that were then saved.
    static let archivedLog = #"""
        {"timestamp": "2026-01-22T20:31:17.592245", "operation": "CREATE_TABLE", "table": "student", "record": null, "old_record": null}
        {"timestamp": "2026-01-22T20:31:17.593123", "operation": "INSERT", "table": "student", "record": {"name": "Alice Johnson", "email": "alice@university.edu", "gpa": 3.8, "id": 1}, "old_record": null}
        {"timestamp": "2026-01-22T20:31:17.593301", "operation": "INSERT", "table": "student", "record": {"name": "Bob Smith", "email": "bob@university.edu", "gpa": 3.5, "id": 2}, "old_record": null}
        {"timestamp": "2026-01-22T20:31:17.593466", "operation": "INSERT", "table": "student", "record": {"name": "Zo\u00eb \ud83d\ude00 \u674e", "email": "zoe@university.edu", "gpa": 3.9, "id": 3}, "old_record": null}

        """#

    /// Unsaved seed entries: an insert, a full update, a delete by `old_record`, an update that logs only the
    /// changed field and the key, an insert, and a delete that carries the record in `record`.
    static let unsavedLog = #"""
        {"timestamp": "2026-01-22T20:35:00.000001", "operation": "INSERT", "table": "student", "record": {"name": "Dan \u00c9mile", "email": "dan@university.edu", "gpa": 3.1, "id": 4}, "old_record": null}
        {"timestamp": "2026-01-22T20:35:00.000002", "operation": "UPDATE", "table": "student", "record": {"name": "Bobby Smith", "email": "bob@university.edu", "gpa": 3.6, "id": 2}, "old_record": {"name": "Bob Smith", "email": "bob@university.edu", "gpa": 3.5, "id": 2}}
        {"timestamp": "2026-01-22T20:35:00.000003", "operation": "DELETE", "table": "student", "record": null, "old_record": {"name": "Alice Johnson", "email": "alice@university.edu", "gpa": 3.8, "id": 1}}
        {"timestamp": "2026-01-22T20:35:00.000004", "operation": "UPDATE", "table": "student", "record": {"gpa": 2.0, "id": 3}, "old_record": null}
        {"timestamp": "2026-01-22T20:35:00.000005", "operation": "INSERT", "table": "student", "record": {"name": "Eve", "email": "eve@university.edu", "gpa": 2.2, "id": 5}, "old_record": null}
        {"timestamp": "2026-01-22T20:35:00.000006", "operation": "DELETE", "table": "student", "record": {"name": "Eve", "email": "eve@university.edu", "gpa": 2.2, "id": 5}, "old_record": null}

        """#

    static let archiveName = "transaction.20260122_203117.log"
}

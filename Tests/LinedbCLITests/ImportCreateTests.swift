import Foundation
import LineDB
import Testing

/// `linedb import DB TABLE FILE --create`, run as the real binary.
@Suite("linedb import --create")
struct ImportCreateTests {
    /// An airports.csv-like file (nycflights13's airports: the string key `faa`, NA, quoted names with commas)
    /// and a penguins-like one (NA in numbers and text, floats and ints mixed in one column).
    static let airports = """
        faa,name,lat,lon,alt,tz,dst,tzone
        04G,Lansdowne Airport,41.1304722,-80.6195833,1044,-5,A,America/New_York
        06A,"Moton Field, Municipal",32.4605722,-85.6800278,264,-6,A,America/Chicago
        JFK,John F Kennedy Intl,40.639751,-73.778925,13,-5,A,America/New_York
        ZYP,Penn Station,40.750422,-73.993719,35,-5,A,NA

        """
    static let penguins = """
        species,island,bill_length_mm,body_mass_g,sex,year
        Adelie,Torgersen,39.1,3750,male,2007
        Adelie,Torgersen,NA,NA,NA,2007
        Gentoo,Biscoe,46,5000,female,2008
        Chinstrap,Dream,NA,3700,,2009

        """

    private func database() throws -> Scratch {
        let dir = Scratch()
        expectOK(try CLI.run(["init", dir.db]))
        return dir
    }

    private func rows(_ dir: Scratch, _ table: String) throws -> [[String: Any]] {
        let out = expectOK(try CLI.run(["select", dir.db, table]))
        return try out.lines.map { try foundationJSON($0) as! [String: Any] }
    }

    @Test("a real-shaped file with a string key: types inferred, NA read as null, records imported")
    func airportsWithKey() throws {
        let dir = try database()
        dir.write("airports.csv", Self.airports)
        let result = expectOK(try CLI.run([
            "import", dir.db, "airports", dir.path + "/airports.csv", "--create", "--key", "faa", "--null", "NA",
        ]))
        #expect(result.lines == [
            "created table airports: faa:str:pk, name:str, lat:float, lon:float, alt:int, tz:int, dst:str, tzone:str",
            "imported 4 records into airports from \(dir.path)/airports.csv",
        ])
        let out = expectOK(try CLI.run(["select", dir.db, "airports", "--where", "faa=06A"]))
        let record = try foundationJSON(out.stdout) as! [String: Any]
        #expect(record["name"] as? String == "Moton Field, Municipal")
        #expect(record["alt"] as? Int == 264)
        let zyp = try foundationJSON(expectOK(try CLI.run(["select", dir.db, "airports", "--where", "faa=ZYP"])).stdout)
        #expect((zyp as! [String: Any])["tzone"] is NSNull)
    }

    @Test("penguins: float and int mixed is float, NA null in every type, an empty str field stays \"\"")
    func penguins() throws {
        let dir = try database()
        dir.write("penguins.csv", Self.penguins)
        let result = expectOK(try CLI.run([
            "import", dir.db, "penguins", dir.path + "/penguins.csv", "--create", "--null", "NA",
        ]))
        #expect(result.stdout.hasPrefix(
            "created table penguins: id:int:pk, species:str, island:str, bill_length_mm:float, body_mass_g:int, sex:str, year:int\n"))
        #expect(result.stderr.contains("an integer primary key 'id' numbers the records"))
        let records = try rows(dir, "penguins")
        #expect(records.count == 4)
        #expect(records[0]["bill_length_mm"] as? Double == 39.1)
        #expect(records[2]["bill_length_mm"] as? Double == 46)
        #expect(records[1]["sex"] is NSNull && records[1]["body_mass_g"] is NSNull)
        #expect(records[3]["sex"] as? String == "")
        // With --null '' the empty field is null too.
        expectOK(try CLI.run([
            "import", dir.db, "penguins2", dir.path + "/penguins.csv", "--create", "--null", "NA", "--null", "",
        ]))
        #expect(try rows(dir, "penguins2")[3]["sex"] is NSNull)
    }

    @Test("--dry-run prints the create-table command, shell-quoted; running it makes the same table; nothing written")
    func dryRun() throws {
        let dir = try database()
        dir.write("odd.csv", "name with space,it's,plain,été\n1,x,2.5,true\n")
        let before = snapshot(dir.db)
        let result = expectOK(try CLI.run([
            "import", dir.db, "odd", dir.path + "/odd.csv", "--create", "--dry-run",
        ]))
        #expect(snapshot(dir.db) == before)
        let command = try #require(result.lines.first)
        #expect(command == "linedb create-table \(dir.db) odd --column id:int:pk --column 'name with space:int' "
            + #"--column 'it'\''s:str' --column plain:float --column 'été:bool'"#)
        #expect(result.stderr.contains("dry run: 1 record would be imported; nothing was written"))
        // Copy-paste it into a shell: the table it makes is the one --create makes.
        let binDir = (try CLI.binary.get() as NSString).deletingLastPathComponent
        let shell = try CLI.runProgram("/bin/sh", ["-c", "PATH=\(binDir):$PATH " + command], stdin: nil)
        #expect(shell.status == 0, "\(shell)")
        let schema = dir.read("db/schema/odd.schema.json")
        let other = try database()
        other.write("odd.csv", dir.read("odd.csv"))
        expectOK(try CLI.run(["import", other.db, "odd", other.path + "/odd.csv", "--create"]))
        func columns(_ text: String) throws -> NSDictionary {
            (try foundationJSON(text) as! [String: Any])["schema"] as! NSDictionary
        }
        #expect(try columns(schema) == columns(other.read("db/schema/odd.schema.json")))
        // A name create-table cannot spell is said so.
        dir.write("colon.csv", "time:hour\n1\n")
        let colon = expectOK(try CLI.run(["import", dir.db, "c", dir.path + "/colon.csv", "--create", "--dry-run"]))
        #expect(colon.stderr.contains("create-table cannot name column 'time:hour'"), "\(colon)")
    }

    @Test("bad header names are refused all at once with the way out; --header takes it")
    func badHeader() throws {
        let dir = try database()
        dir.write("bad.csv", "a,,a,K,\u{212A}\n1,2,3,4,5\n")
        let before = snapshot(dir.db)
        let result = try CLI.run(["import", dir.db, "t", dir.path + "/bad.csv", "--create"])
        #expect(result.status == 1, "\(result)")
        for part in ["column 2 has no name", "'a' names columns 1 and 3", "differ only in their Unicode form",
                     "--header a,b,c"] {
            #expect(result.stderr.contains(part), "\(part): \(result.stderr)")
        }
        #expect(snapshot(dir.db) == before)
        let fixed = expectOK(try CLI.run([
            "import", dir.db, "t", dir.path + "/bad.csv", "--create", "--header", #"a,b,"c,d",k,kelvin"#,
        ]))
        #expect(fixed.lines.first == "created table t: id:int:pk, a:int, b:int, c,d:int, k:int, kelvin:int")
    }

    @Test("a duplicate key names the value and both lines, and leaves the database byte-identical")
    func duplicateKey() throws {
        let dir = try database()
        expectOK(try CLI.run(["create-table", dir.db, "other", "--column", "id:int:pk"]))
        dir.write("dup.csv", "faa,name\nJFK,\"two\nlines\"\nLGA,x\nJFK,y\n")
        let before = snapshot(dir.db)
        let result = try CLI.run(["import", dir.db, "airports", dir.path + "/dup.csv", "--create", "--key", "faa"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains(#"holds "JFK" in line 2 (record 1) and again in line 5 (record 3)"#), "\(result)")
        #expect(snapshot(dir.db) == before)
    }

    @Test("an integer beyond 64 bits keeps its digits in a str column, with a note")
    func bigIntegers() throws {
        let dir = try database()
        dir.write("big.csv", "n\n1\n123456789012345678901234567890\n")
        let result = expectOK(try CLI.run(["import", dir.db, "big", dir.path + "/big.csv", "--create"]))
        #expect(result.stderr.contains("column 'n' holds integers beyond 64 bits (e.g. 123456789012345678901234567890)"))
        #expect(try rows(dir, "big").map { $0["n"] as? String } == ["1", "123456789012345678901234567890"])
    }

    @Test("JSON Lines: nested values make a json column")
    func jsonLines() throws {
        let dir = try database()
        dir.write("e.jsonl", #"{"k": "a", "meta": {"x": [1, 2]}}"# + "\n" + #"{"k": "b", "meta": [3]}"# + "\n")
        let result = expectOK(try CLI.run(["import", dir.db, "e", dir.path + "/e.jsonl", "--create", "--key", "k"]))
        #expect(result.lines.first == "created table e: k:str:pk, meta:json")
        let jq = expectOK(try CLI.run(["select", dir.db, "e", "--where", "k=a"]))
        #expect(jq.stdout == #"{"k":"a","meta":{"x":[1,2]}}"# + "\n")
    }

    @Test("hostile text survives a CSV file into a new table exactly, scalar for scalar")
    func hostileText() throws {
        let dir = try database()
        var csv: [UInt8] = Array("name,text\n".utf8)
        for (name, text) in HostileText.cases {
            CSVCodec.appendField(name, to: &csv)
            csv.append(UInt8(ascii: ","))
            CSVCodec.appendField(text, to: &csv)
            csv.append(0x0A)
        }
        try Data(csv).write(to: URL(fileURLWithPath: dir.path + "/hostile.csv"))
        let result = expectOK(try CLI.run([
            "import", dir.db, "hostile", dir.path + "/hostile.csv", "--create", "--key", "name",
        ]))
        #expect(result.lines.first == "created table hostile: name:str:pk, text:str")
        let db = try Database(path: dir.db, options: DatabaseOptions(syncMode: .full, readOnly: true))
        for (name, text) in HostileText.cases {
            let record = try #require(try db.get("hostile", key: JSONValue.string(name)), "\(name)")
            guard case .string(let got)? = record["text"] else {
                Issue.record("\(name): \(String(describing: record["text"]))")
                continue
            }
            #expect(Array(got.unicodeScalars) == Array(text.unicodeScalars), "\(name)")
        }
    }

    @Test("options that need --create are refused without it; an existing table is refused with it")
    func usage() throws {
        let dir = try database()
        dir.write("a.csv", "v\n1\n")
        expectOK(try CLI.run(["create-table", dir.db, "t", "--column", "v:int"]))
        for extra in [["--key", "v"], ["--dry-run"], ["--header", "x"]] {
            let result = try CLI.run(["import", dir.db, "t", dir.path + "/a.csv"] + extra)
            #expect(result.status == 2 && result.stderr.contains("goes with --create"), "\(result)")
        }
        let exists = try CLI.run(["import", dir.db, "t", dir.path + "/a.csv", "--create"])
        #expect(exists.status != 0 && exists.stderr.contains("'t'"), "\(exists)")
        // --null also works for an import into an existing table: then only the texts given are null.
        dir.write("n.csv", "v\nNA\n")
        expectOK(try CLI.run(["import", dir.db, "t", dir.path + "/n.csv", "--null", "NA"]))
        #expect(try rows(dir, "t").last?["v"] is NSNull)
    }
}

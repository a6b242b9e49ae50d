import Postgres
import RGCore
import Testing

@testable import MigrationKit

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        let sql = """
            -- a comment; not a statement
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            /* block; /* nested; */ still comment */
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN
              RETURN 1; -- inside
            END;
            $body$;
            SELECT "odd;name", E'it\\'s;', $$x;y$$ FROM a;
              SELECT 2
            """
        let statements = SQLScript.statements(sql)
        #expect(statements.count == 4)
        #expect(statements.map(\.position.line) == [2, 4, 9, 10])
        #expect(statements[1].text.hasPrefix("CREATE FUNCTION") && statements[1].text.hasSuffix("$body$;"))
        #expect(statements[2].text == "SELECT \"odd;name\", E'it\\'s;', $$x;y$$ FROM a;")
        #expect(statements[3].position.column == 3)
    }

    /// Positions count lines ended by LF, CRLF or a lone CR, and columns in characters (code points).
    @Test(arguments: ["\n", "\r\n", "\r"])
    func positionsCountCRLFAndLoneCR(_ newline: String) {
        let sql = ["SELECT 1;", "  SELECT 2; SELECT 'ë€😀'; SELECT 4;", "SELECT", "  5; \\x"].joined(separator: newline)
        let (statements, metaCommands) = SQLScript.scan(sql)
        #expect(
            statements.map { "\($0.position.line):\($0.position.column)" } == [
                "1:1", "2:3", "2:13", "2:27", "3:1", "4:6",
            ])
        #expect(metaCommands == [SourcePosition(line: 4, column: 6)])
    }

    /// The server's error position (characters into the statement, a CRLF two of them) placed in the file.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func aServerErrorPositionIsPlacedInTheFile(_ newline: String) {
        let statement = SQLStatement(
            text: "SELECT 'ë' +\(newline)  nosuchcolumn", position: SourcePosition(line: 4, column: 5))
        let onTheSecondLine = PostgresError(kind: .query, message: "x", position: 12 + newline.unicodeScalars.count + 3)
        let onTheFirst = PostgresError(kind: .query, message: "x", position: 9)
        let located = [onTheSecondLine, onTheFirst].map { Migrator.locate($0, in: statement) }.map { "\($0.0):\($0.1)" }
        #expect(located == ["5:3", "4:13"])
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        let statements = SQLScript.statements("PREPARE p AS SELECT $1; EXECUTE p(1);")
        #expect(statements.count == 2)
    }

    @Test func onlyCommentsIsNoStatement() {
        #expect(SQLScript.statements("-- nothing\n/* here */\n").isEmpty)
    }

    @Test func sqlStandardFunctionBodiesKeepTheirSemicolons() {
        let sql = """
            CREATE FUNCTION crm.f(a int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              INSERT INTO t VALUES (a);
              SELECT CASE WHEN a > 0 THEN (CASE a WHEN 1 THEN 1 END) ELSE 0 END;
            END;
            create or replace procedure crm.p() language sql begin atomic select 1; select 2; end;
            CREATE FUNCTION crm.g() RETURNS int LANGUAGE sql AS $$ BEGIN; $$;
            SELECT 3;
            """
        #expect(SQLScript.statements(sql).map(\.position.line) == [1, 6, 7, 8])
        #expect(SQLScript.statements(sql)[0].text.hasSuffix("END;"))
    }

    @Test func anEBeforeAQuoteStartsAnEscapeStringOnlyAsATokenOfItsOwn() {
        #expect(SQLScript.statements("SELECT xe'\\'; COMMIT; --'").map(\.text) == ["SELECT xe'\\';", "COMMIT;"])
        #expect(SQLScript.statements("SELECT E'\\'; COMMIT; --'").count == 1)
    }

    @Test func aLineCommentEndsAtACarriageReturnToo() {
        #expect(SQLScript.statements("-- c\rSELECT 1;\rSELECT 2;").map(\.text) == ["SELECT 1;", "SELECT 2;"])
    }
}

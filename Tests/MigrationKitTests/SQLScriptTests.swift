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
        #expect(statements.map(\.line) == [2, 4, 9, 10])
        #expect(statements[1].text.hasPrefix("CREATE FUNCTION") && statements[1].text.hasSuffix("$body$;"))
        #expect(statements[2].text == "SELECT \"odd;name\", E'it\\'s;', $$x;y$$ FROM a;")
        #expect(statements[3].column == 3)
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        let statements = SQLScript.statements("PREPARE p AS SELECT $1; EXECUTE p(1);")
        #expect(statements.count == 2)
    }

    @Test func onlyCommentsIsNoStatement() {
        #expect(SQLScript.statements("-- nothing\n/* here */\n").isEmpty)
    }

    @Test(arguments: [("BEGIN;", "BEGIN"), ("commit", "COMMIT"), ("  select 1", ""), ("START TRANSACTION", "START")])
    func leadingKeyword(_ sql: String, _ keyword: String) {
        #expect(SQLScript.leadingKeyword(sql) == keyword)
    }
}

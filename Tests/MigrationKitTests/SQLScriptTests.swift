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
        #expect(SQLScript.statements(sql).map(\.line) == [1, 6, 7, 8])
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

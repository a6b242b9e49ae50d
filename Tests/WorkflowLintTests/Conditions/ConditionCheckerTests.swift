import Testing

@testable import WorkflowLint

@Suite struct ConditionCheckerTests {
    static let dealFields = DataModel.fields(for: "deal.stage.changed")

    static func problems(_ text: String, trigger: String = "deal.stage.changed") -> [String] {
        ConditionChecker.check(text, fields: DataModel.fields(for: trigger), trigger: trigger).map { problem in
            let kind =
                switch problem.kind {
                case .syntax: "syntax"
                case .unknownField: "field"
                case .type: "type"
                case .unknownStage: "stage"
                }
            return "\(kind)@\(problem.offset)"
        }
    }

    @Test(arguments: [
        "deal.value > 5000",
        "deal.value >= 5000 and contact.gdpr_opt_in",
        "not (deal.stage == \"onderhandeling\") or deal.probability < 0.5",
        "to_stage in [\"offerte_uitgebracht\", 'onderhandeling'] and from_stage != null",
        "deal.value not in [1, 2, -3.5]",
        "contact.email == null",
        "((deal.value > 1))",
    ])
    func validConditionsHaveNoProblems(_ text: String) {
        #expect(Self.problems(text).isEmpty, "\(text)")
    }

    @Test func typeErrorsPointAtTheOffendingToken() {
        #expect(Self.problems("deal.value > \"5000\"") == ["type@13"])
        #expect(Self.problems("\"5000\" < deal.value") == ["type@0"])
        #expect(Self.problems("deal.value == true") == ["type@14"])
        #expect(Self.problems("deal.value and contact.gdpr_opt_in") == ["type@0"])
        #expect(Self.problems("deal.currency in [\"EUR\", 5]") == ["type@25"])
        #expect(Self.problems("deal.value") == ["type@0"])
        #expect(Self.problems("not deal.value") == ["type@4"])
    }

    @Test func fieldsDependOnTheTrigger() {
        #expect(Self.problems("deal.value > 5000", trigger: "lead.created") == ["field@0"])
        #expect(Self.problems("lead.source == \"website\"", trigger: "lead.created").isEmpty)
        #expect(Self.problems("payment.amount > 0 and deal.value > 0", trigger: "payment.received").isEmpty)
        #expect(Self.problems("contact.email == \"x\"", trigger: "payment.received") == ["field@0"])
        #expect(Self.problems("event.guest_count > 100 and contact.gdpr_opt_in", trigger: "event.completed").isEmpty)
        let message = ConditionChecker.check(
            "lead.sorce == \"x\"", fields: DataModel.fields(for: "lead.created"), trigger: "lead.created")
        #expect(message.first?.message.contains("did you mean 'lead.source'") == true)
    }

    @Test func syntaxErrorsPointAtTheToken() {
        #expect(Self.problems("deal.value > ") == ["syntax@13"])
        #expect(Self.problems("deal.value = 5") == ["syntax@11"])
        #expect(Self.problems("deal.value > 5 && true") == ["syntax@15"])
        #expect(Self.problems("(deal.value > 5") == ["syntax@15"])
        #expect(Self.problems("deal.value > 5 5") == ["syntax@15"])
        #expect(Self.problems("to_stage == \"open") == ["syntax@12"])
        #expect(Self.problems("deal.value in 5") == ["syntax@14"])
        #expect(Self.problems("deal.value > 5€") == ["syntax@14"])
        #expect(Self.problems("") == ["syntax@0"])
    }

    @Test func deepAndLongConditionsAreBounded() {
        let deep = String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000)
        #expect(Self.problems(deep).count == 1)
        // Lists nest through their own parser path: bounded too (2,000 levels crashed the debug build once).
        let lists =
            "deal.stage in " + String(repeating: "[", count: 2_000) + "\"x\"" + String(repeating: "]", count: 2_000)
        #expect(Self.problems(lists).contains { $0.hasPrefix("syntax") })
        let nots = String(repeating: "not ", count: 1000) + "true"
        #expect(Self.problems(nots).first?.hasPrefix("syntax") == true)
        let long = Array(repeating: "deal.value > 1", count: 200).joined(separator: " and ")
        #expect(Self.problems(long).isEmpty)
        let tooLong = Array(repeating: "deal.value > 1", count: 400).joined(separator: " and ")
        #expect(Self.problems(tooLong) == ["syntax@0"])
    }

    @Test func withoutAKnownTriggerOnlySyntaxAndLiteralsAreChecked() {
        #expect(ConditionChecker.check("anything.at_all > 5", fields: nil, trigger: nil).isEmpty)
        #expect(ConditionChecker.check("1 > \"5\"", fields: nil, trigger: nil).count == 1)
    }

    @Test func stageLiteralsAreCheckedAgainstTheTenantsStages() {
        let stages: Set<String> = ["nieuwe_lead", "offerte_uitgebracht"]
        let problems = ConditionChecker.check(
            "to_stage == \"offerte_uitgebrach\" and \"nieuwe_lead\" != from_stage and deal.stage not in [\"x\", \"nieuwe_lead\"] and deal.currency == \"EUR\"",
            fields: Self.dealFields, trigger: "deal.stage.changed", stages: stages)
        #expect(problems.map(\.kind) == [.unknownStage, .unknownStage])
        #expect(problems.map(\.offset) == [12, 88])
        #expect(problems[0].message.contains("did you mean 'offerte_uitgebracht'"))
        #expect(
            ConditionChecker.check("to_stage == \"offerte\"", fields: Self.dealFields, trigger: "deal.stage.changed")
                .isEmpty)
    }
}

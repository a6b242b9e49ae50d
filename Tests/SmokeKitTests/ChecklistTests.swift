import Foundation
import RGCore
import SmokeKit
import TestSupport
import Testing

/// docs/qa/tenant_rollout.md as data: every point of the platform's checklist is accounted for, every id it maps is a
/// smoke check, and every smoke check serves some point.
@Suite struct ChecklistTests {
    static func shipped() throws -> RolloutChecklist {
        try RolloutChecklist.load(TestPaths.repository(RolloutChecklist.defaultPath))
    }

    @Test func everyPointOfThePlatformChecklistIsAccountedFor() throws {
        let checklist = try Self.shipped()
        #expect(checklist.points.count == 22)
        #expect(checklist.sections.count == 6)
        // Points per section as in the platform's file: 3, 4, 3, 4, 5, 3.
        let perSection = Dictionary(grouping: checklist.points) { $0.id.split(separator: ".")[0] }.mapValues(\.count)
        #expect(perSection == ["1": 3, "2": 4, "3": 3, "4": 4, "5": 5, "6": 3])
        for point in checklist.points {
            #expect(!point.dutch.isEmpty && !point.english.isEmpty && point.dutch != point.english, "\(point.id)")
        }
    }

    /// The platform's own file, when it is there: as many unchecked points per section as ours maps.
    @Test(.enabled(if: TestRequirements.shared("data/origin/docs/qa/tenant_rollout.md")))
    func matchesThePlatformsChecklist() throws {
        let text = try String(
            contentsOfFile: try MissingTestInput.shared("data/origin/docs/qa/tenant_rollout.md"), encoding: .utf8)
        var counts: [Int] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") { counts.append(0) }
            if line.hasPrefix("- [ ]") { counts[counts.count - 1] += 1 }
        }
        let ours = try Self.shipped()
        #expect(counts == [3, 4, 3, 4, 5, 3])
        #expect(ours.points.count == counts.reduce(0, +))
    }

    @Test func everyMappedIDIsASmokeCheckAndEveryCheckIsMapped() throws {
        let checklist = try Self.shipped()
        #expect(checklist.unknownIDs(known: SmokeSuite.ids) == [])
        var mapped: Set<String> = []
        for point in checklist.points {
            if case .checks(let ids) = point.coverage { mapped.formUnion(ids) }
        }
        #expect(Set(SmokeSuite.ids).subtracting(mapped).sorted() == [])
        #expect(Set(SmokeSuite.ids).count == SmokeSuite.ids.count, "check ids are unique")
    }

    @Test func manualPointsNameWhoSignsThemOff() throws {
        let manual = try Self.shipped().manualItems
        #expect(manual.count == 15)
        #expect(manual.allSatisfy { !$0.signOff.isEmpty && $0.title.contains(" / ") })
        #expect(manual.first?.id == "1.2")
    }

    @Test func malformedRowsAreRefusedWithTheirLine() {
        let cases = [
            "| 1.1 | a | b |\n": "needs 4 cells",
            "| 1.1 | a | b | manual: |\n": "names no one",
            "| 1.1 | a | b | db.tenant |\n": "names no check id",
            "| 1.1 | | b | manual: x |\n": "Dutch and an English title",
            "| 1.1 | a | b | manual: x |\n| 1.1 | a | b | manual: x |\n": "listed twice",
        ]
        for (text, expected) in cases {
            #expect {
                _ = try RolloutChecklist.parse(text, file: "c.md")
            } throws: { error in
                let description = (error as? SmokeError)?.description ?? ""
                return description.hasPrefix("c.md:") && description.contains(expected)
                    && (error as? SmokeError)?.category == .usage
            }
        }
        let unknown = try? RolloutChecklist.parse("| 1.1 | a | b | `db.nope`, `db.tenant` |\n", file: "c.md")
        #expect(unknown?.unknownIDs(known: SmokeSuite.ids) == ["db.nope"])
    }
}

@Suite struct DurationTests {
    @Test func gossDurations() {
        #expect(SmokeDuration.parse("60s") == .seconds(60))
        #expect(SmokeDuration.parse("2s") == .seconds(2))
        #expect(SmokeDuration.parse("500ms") == .milliseconds(500))
        #expect(SmokeDuration.parse("1m30s") == .seconds(90))
        #expect(SmokeDuration.parse("0s") == .zero)
        for bad in ["", "5", "s", "1x", "-1s", "1.5s", "99999999999s", "1 s"] {
            #expect(SmokeDuration.parse(bad) == nil, "\(bad)")
        }
    }
}

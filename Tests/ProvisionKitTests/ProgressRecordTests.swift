import Foundation
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

@Suite struct ProgressRecordTests {
    static func outcome(_ name: String, _ result: ResourceOutcome.Result) -> ResourceOutcome {
        ResourceOutcome(name: name, result: result, changes: [], milliseconds: 1)
    }

    /// Each resource carries the time of the apply that last changed it; an unchanged one keeps its earlier time,
    /// and a run that changes nothing writes nothing.
    @Test func aResourceKeepsTheTimeItLastChanged() throws {
        let path = try TestPaths.temporaryDirectory("progress") + "/state/mrdj.json"
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        let later = first.addingTimeInterval(3600)
        try ProgressRecord.write(
            ProvisionReport(
                tenant: "mrdj", outcomes: [Self.outcome("database", .changed), Self.outcome("secrets", .changed)],
                failure: nil, milliseconds: 1), to: path, now: first)
        try ProgressRecord.write(
            ProvisionReport(
                tenant: "mrdj", outcomes: [Self.outcome("database", .unchanged), Self.outcome("secrets", .changed)],
                failure: nil, milliseconds: 1), to: path, now: later)
        let entries = try #require(try ProgressRecord.read(path))
        #expect(entries.map(\.name) == ["database", "secrets"])
        #expect(entries[0].changedAt == "2027-01-15T08:00:00Z")
        #expect(entries[0].result == "unchanged")
        #expect(entries[1].changedAt == "2027-01-15T09:00:00Z")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try ProgressRecord.write(
            ProvisionReport(
                tenant: "mrdj", outcomes: [Self.outcome("database", .unchanged), Self.outcome("secrets", .unchanged)],
                failure: nil, milliseconds: 1), to: path, now: later.addingTimeInterval(60))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try ProgressRecord.read(path + ".missing") == nil)
    }
}

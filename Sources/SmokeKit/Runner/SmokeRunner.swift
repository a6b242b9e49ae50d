import Foundation
import Postgres
import RGCore

/// Runs checks as Goss does: concurrently (at most `concurrency` at a time), each within `timeout`, and with
/// `retryTimeout` re-runs the ones that did not pass, `sleep` apart, until they pass or the time is up (a tenant that
/// is still coming up). Results keep the order of the checks.
public struct SmokeRunner: Sendable {
    public var concurrency: Int
    public var timeout: Duration
    public var retryTimeout: Duration
    public var sleep: Duration

    public init(
        concurrency: Int = 4, timeout: Duration = .seconds(30), retryTimeout: Duration = .zero,
        sleep: Duration = .seconds(1)
    ) {
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.retryTimeout = retryTimeout
        self.sleep = sleep
    }

    public func run(_ checks: [SmokeCheck], context: SmokeContext) async -> [CheckResult] {
        let clock = ContinuousClock()
        let deadline = clock.now + retryTimeout
        let pool = ConnectionPool(conninfo: context.databaseURL, statementTimeout: context.statementTimeout)
        var results = await round(checks, indices: Array(checks.indices), context: context, pool: pool)
        while clock.now < deadline {
            let failing = results.indices.filter { results[$0].contains { !Self.settled($0.status) } }
            if failing.isEmpty { break }
            try? await Task.sleep(for: min(sleep, deadline - clock.now))
            // A server that could not be reached may be up now: a fresh pool tries again.
            let retryPool =
                pool.connectFailure == nil
                ? pool : ConnectionPool(conninfo: context.databaseURL, statementTimeout: context.statementTimeout)
            let again = await round(checks, indices: failing, context: context, pool: retryPool)
            for (position, index) in failing.enumerated() { results[index] = again[position] }
        }
        return results.flatMap { $0 }
    }

    /// Passed, or skipped for a reason a retry cannot change.
    private static func settled(_ status: CheckStatus) -> Bool { status == .pass || status == .skip }

    /// Runs the checks at `indices`, at most `concurrency` at a time; their results in the order of `indices`.
    private func round(_ checks: [SmokeCheck], indices: [Int], context: SmokeContext, pool: ConnectionPool) async
        -> [[CheckResult]]
    {
        let facts = SmokeFacts()
        var results = [[CheckResult]](repeating: [], count: indices.count)
        await withTaskGroup(of: (Int, [CheckResult]).self) { group in
            var next = 0
            func start() {
                guard next < indices.count else { return }
                let position = next
                let check = checks[indices[position]]
                next += 1
                group.addTask {
                    (position, await Self.runOne(check, context: context, facts: facts, pool: pool, timeout: timeout))
                }
            }
            for _ in 0..<min(concurrency, indices.count) { start() }
            for await (position, result) in group {
                results[position] = result
                start()
            }
        }
        return results
    }

    /// One unit on a thread of its own (libpq and file reads block), raced against its timeout.
    static func runOne(
        _ check: SmokeCheck, context: SmokeContext, facts: SmokeFacts, pool: ConnectionPool, timeout: Duration
    ) async -> [CheckResult] {
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await Deadline.race(timeout: timeout) { () -> [CheckOutcome] in
            let session = SmokeSession(context: context, facts: facts, pool: pool)
            defer { session.release() }
            do {
                let outcomes = try check.body(session)
                return outcomes.count == check.items.count
                    ? outcomes
                    : Array(
                        repeating: CheckOutcome(status: .error, message: "internal: wrong number of outcomes"),
                        count: check.items.count)
            } catch let skip as SkipCheck {
                return Array(repeating: .skip(skip.reason), count: check.items.count)
            } catch {
                let message = (error as? any RGError)?.description ?? String(describing: error)
                return Array(
                    repeating: CheckOutcome(status: .error, message: TerminalText.oneLine(message)),
                    count: check.items.count)
            }
        } onTimeout: {
            Array(
                repeating: CheckOutcome(
                    status: .error, message: "did not finish within \(timeout.secondsText) s",
                    remediation: "find what blocks it (pg_stat_activity, a slow disk), or raise --timeout"),
                count: check.items.count)
        }
        let duration = clock.now - started
        return zip(check.items, outcomes).map { item, outcome in
            CheckResult(
                id: item.id, group: check.group.rawValue, title: item.title, status: outcome.status,
                duration: duration, message: outcome.message, remediation: outcome.remediation,
                location: outcome.location)
        }
    }
}

/// Whichever comes first: the work's result, or the timeout's. Work that overruns keeps its thread until it ends (the
/// server's statement_timeout ends a query), and its late result is dropped.
enum Deadline {
    static func race<T: Sendable>(
        timeout: Duration, _ work: @escaping @Sendable () -> T, onTimeout: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let once = ResumeOnce(continuation)
            // Threads of their own, for the work and for its watchdog: checks block (libpq, files), and blocked work
            // can starve both Swift's cooperative pool and GCD's (each as wide as the cores), which would delay a
            // timer until after the check it should cut short.
            let worker = Thread { once.resume(work()) }
            worker.stackSize = 1 << 20
            let deadline = Date(timeIntervalSinceNow: Double(timeout.wholeMilliseconds) / 1000)
            let watchdog = Thread {
                if once.waitUntilResumed(before: deadline) == false { once.resume(onTimeout()) }
            }
            watchdog.stackSize = 64 << 10
            worker.start()
            watchdog.start()
        }
    }

    /// Resumes its continuation once, with the first value given; the watchdog waits on it.
    private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private var continuation: CheckedContinuation<T, Never>?

        init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = continuation }

        func resume(_ value: T) {
            condition.lock()
            let pending = continuation
            continuation = nil
            condition.broadcast()
            condition.unlock()
            pending?.resume(returning: value)
        }

        /// Whether it was resumed before `deadline`.
        func waitUntilResumed(before deadline: Date) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while continuation != nil {
                if !condition.wait(until: deadline) { return continuation == nil }
            }
            return true
        }
    }
}

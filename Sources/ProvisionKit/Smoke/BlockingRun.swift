import Foundation

/// Runs async work to its end from synchronous code (a resource's `apply`), on the calling thread: the work's jobs
/// are run here by an executor of its own rather than on Swift's cooperative pool, so a caller that is itself on
/// that pool (a test, `--all`'s workers) cannot starve it by waiting.
enum BlockingRun {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let executor = CallingThreadExecutor()
        let result = ResultBox<T>()
        Task(executorPreference: executor) {
            result.value = await work()
            executor.finish()
        }
        executor.runUntilFinished()
        return result.value!
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        var value: T?
    }

    /// Jobs queued by any thread, run in order on the thread that calls `runUntilFinished`.
    private final class CallingThreadExecutor: TaskExecutor, @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [UnownedJob] = []
        private var finished = false

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            condition.withLock {
                jobs.append(job)
                condition.signal()
            }
        }

        func finish() {
            condition.withLock {
                finished = true
                condition.signal()
            }
        }

        func runUntilFinished() {
            while true {
                condition.lock()
                while jobs.isEmpty && !finished { condition.wait() }
                if jobs.isEmpty {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }
}

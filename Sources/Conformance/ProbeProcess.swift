import Foundation

/// Runs one probe process to completion: input from a file, output to a
/// file, standard error kept for the error message, and a time limit after
/// which the process is terminated.
struct ProbeProcess {
    var executable: String
    var arguments: [String]
    var standardInput: String?
    var standardOutput: String?
    /// Seconds before the process is stopped.
    var timeLimit: Double

    /// Runs the process; returns its exit status and standard error text.
    func run() throws(ConformanceError) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let name = URL(fileURLWithPath: executable).lastPathComponent
        do {
            if let standardInput {
                guard let handle = FileHandle(forReadingAtPath: standardInput) else {
                    throw ConformanceError.io(path: standardInput, reason: "cannot be opened for reading")
                }
                process.standardInput = handle
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            if let standardOutput {
                guard FileManager.default.createFile(atPath: standardOutput, contents: nil),
                      let handle = FileHandle(forWritingAtPath: standardOutput) else {
                    throw ConformanceError.io(path: standardOutput, reason: "cannot be opened for writing")
                }
                process.standardOutput = handle
            } else {
                process.standardOutput = FileHandle.nullDevice
            }
        } catch let e as ConformanceError {
            throw e
        } catch {
            throw .launchFailed(tool: name, reason: "\(error)")
        }
        let errorPipe = Pipe()
        process.standardError = errorPipe
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch { throw .launchFailed(tool: name, reason: "\(error)") }
        // Drain standard error while the process runs so that it never blocks on a full pipe.
        let errorData = Locked(Data())
        let reader = Thread {
            let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
            errorData.set(data)
        }
        reader.start()
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 5)
            throw .timedOut(tool: name, seconds: timeLimit)
        }
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let text = String(decoding: errorData.get(), as: UTF8.self)
        let status = process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        return (status, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A value shared between threads under a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func update<R>(_ body: (inout Value) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&value) }
}

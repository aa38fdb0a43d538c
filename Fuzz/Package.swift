// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every input path of vmsa. Built by `make fuzz` with
// AddressSanitizer and coverage instrumentation on every module, and linked
// against libFuzzer's no-main runtime (each target has its own `main` that
// calls LLVMFuzzerRunDriver). Kept out of the main package so that
// `swift test` never builds sanitizer targets.
let package = Package(
    name: "vmsa-fuzz",
    dependencies: [.package(name: "vmsa", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzDescriptor", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzJSON", dependencies: [
            "FuzzDriver", .product(name: "VMSAJSON", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzLayout", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"), .product(name: "VMSATables", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzImage", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"), .product(name: "VMSATables", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzWords", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"), .product(name: "VMSATables", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzCore", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"), .product(name: "VMSATables", package: "vmsa"),
        ]),
        .executableTarget(name: "FuzzTrace", dependencies: [
            "FuzzDriver", .product(name: "VMSA", package: "vmsa"), .product(name: "LinuxTables", package: "vmsa"),
        ]),
    ]
)

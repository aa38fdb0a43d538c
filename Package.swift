// swift-tools-version:6.0
import PackageDescription

// Data flows one way: VMSA (registers, descriptors) → VMSATables (images)
// → LinuxTables / Conformance → the `vmsa` command line.
let package = Package(
    name: "vmsa",
    products: [
        .library(name: "VMSA", targets: ["VMSA"]),
        .library(name: "VMSATables", targets: ["VMSATables"]),
        .library(name: "LinuxTables", targets: ["LinuxTables"]),
        .library(name: "VMSAJSON", targets: ["VMSAJSON"]),
        .library(name: "GuestCapture", targets: ["GuestCapture"]),
        .executable(name: "vmsa", targets: ["vmsa"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        // `make docs`: DocC catalogs of the library products.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        // Architecture: granules, levels, descriptors, registers. No Foundation.
        .target(name: "VMSA"),
        // Ordered JSON values, a strict parser and a JSON Lines writer. No Foundation.
        .target(name: "VMSAJSON"),
        // The probe ABI shared by Swift and the AArch64 probes in asm/.
        .target(name: "CShims", path: "CShims"),
        // Plain-C reference loops that `vmsa bench` compares against.
        .target(name: "CReference", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "VMSATables", dependencies: ["VMSA", "VMSAJSON"]),
        .target(name: "LinuxTables", dependencies: ["VMSA", "VMSATables", "VMSAJSON"]),
        .target(name: "Conformance", dependencies: ["VMSA", "VMSATables", "CShims"]),
        // Live guests: the GDB remote protocol and QMP, over sockets.
        .target(name: "GuestCapture", dependencies: ["VMSA", "VMSATables", "VMSAJSON"]),
        .executableTarget(
            name: "vmsa",
            dependencies: [
                "VMSA", "VMSAJSON", "VMSATables", "LinuxTables", "Conformance", "GuestCapture", "CReference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "VMSATests", dependencies: [
            "VMSA", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "VMSAJSONTests", dependencies: ["VMSAJSON"]),
        .testTarget(name: "VMSATablesTests", dependencies: [
            "VMSA", "VMSATables", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "LinuxTablesTests", dependencies: [
            "VMSA", "VMSATables", "LinuxTables", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "GuestCaptureTests", dependencies: ["VMSA", "VMSATables", "GuestCapture"]),
        .testTarget(name: "ConformanceTests", dependencies: ["VMSA", "VMSATables", "Conformance"]),
        // Runs the built `vmsa` binary: exit statuses, JSON contract, files.
        // With the real-kernel leg, which also reads captures through the libraries.
        .testTarget(name: "CLITests", dependencies: ["vmsa", "VMSA", "VMSATables", "LinuxTables", "GuestCapture", "VMSAJSON"]),
    ]
)

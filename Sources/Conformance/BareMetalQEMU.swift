import CShims

/// The qemu-system-aarch64 command line of a bare-metal probe: the virt
/// board with the RAM the probes are laid out for (CShims.h), no devices,
/// and semihosting with "INPUT OUTPUT" as the probe's command line.
enum BareMetalQEMU {
    static func arguments(machine: String, kernel: String, input: String, output: String) -> [String] {
        // Semihosting arguments are comma-separated: a comma in a path is doubled.
        func escaped(_ path: String) -> String { path.replacingOccurrences(of: ",", with: ",,") }
        return ["-M", machine, "-cpu", "max", "-m", "\(VMSA_MMU_RAM_SIZE_MIB)",
                "-display", "none", "-monitor", "none", "-serial", "none", "-nodefaults", "-no-reboot",
                "-semihosting-config", "enable=on,target=native,arg=\(escaped(input)),arg=\(escaped(output))",
                "-kernel", kernel]
    }
}

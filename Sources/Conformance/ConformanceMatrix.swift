import VMSA
import VMSATables

/// The configurations `vmsa conform` runs: granules 4K/16K/64K per half,
/// mixed halves, VA sizes from the smallest start level to 48 and 52 bits,
/// PA sizes from 32 to 52 bits, DS, and the TCR flags that change a walk
/// (HPD, TBI, E0PD, HA/HD, a disabled half, a TTBR beyond the PA size).
public enum ConformanceMatrix {
    /// Memory attributes every configuration uses: Normal write-back,
    /// Device-nGnRnE, Normal non-cacheable, Device-nGnRE, Normal write-through.
    public static let mair = MAIR(attributes: [
        MemoryAttribute(rawValue: 0xff), MemoryAttribute(rawValue: 0x00), MemoryAttribute(rawValue: 0x44),
        MemoryAttribute(rawValue: 0x04), MemoryAttribute(rawValue: 0xbb),
    ])

    /// Where every configuration's table memory starts (virt RAM, below the probe).
    public static let tablesBase: UInt64 = 0x4010_0000

    public static var configurations: [MatrixConfiguration] {
        func half(_ g: Granule, _ bits: Int, hpd: Bool = false, tbi: Bool = false, e0pd: Bool = false) -> HalfConfiguration {
            HalfConfiguration(granule: g, vaBits: bits, asid: 0, hpd: hpd, tbi: tbi, e0pd: e0pd)
        }
        func config(_ name: String, _ t0: HalfConfiguration?, _ t1: HalfConfiguration?, pa: Int = 48, ds: Bool = false,
                    ha: Bool = false, hd: Bool = false, beyond: TranslationTableBase? = nil) -> MatrixConfiguration {
            MatrixConfiguration(name: name,
                                configuration: RegimeConfiguration(tablesBase: tablesBase, paBits: pa, ds: ds, mair: mair,
                                                                   ttbr0: t0, ttbr1: t1, hardwareAccessFlag: ha),
                                hardwareDirty: hd, baseBeyondPA: beyond)
        }
        var all: [MatrixConfiguration] = [
            // One granule for both halves, 48-bit VAs and PAs.
            config("4k48/4k48", half(.k4, 48), half(.k4, 48)),
            config("16k48/16k48", half(.k16, 48), half(.k16, 48)),
            config("64k48/64k48", half(.k64, 48), half(.k64, 48)),
            // Mixed halves: TTBR1 4K with TTBR0 16K/64K, and others.
            config("16k48/4k48", half(.k16, 48), half(.k4, 48)),
            config("64k48/4k48", half(.k64, 48), half(.k4, 48)),
            config("16k47/4k39", half(.k16, 47), half(.k4, 39)),
            config("64k42/4k48", half(.k64, 42), half(.k4, 48), pa: 44),
            config("4k48/16k48", half(.k4, 48), half(.k16, 48)),
            config("16k36/64k48", half(.k16, 36), half(.k64, 48)),
        ]
        // VA sizes across every start level of each granule (TTBR0/TTBR1 bits).
        let sizes: [(Granule, Int, Int)] = [
            (.k4, 25, 30), (.k4, 30, 25), (.k4, 33, 39), (.k4, 39, 33), (.k4, 40, 44), (.k4, 44, 40),
            (.k16, 25, 28), (.k16, 28, 25), (.k16, 36, 37), (.k16, 37, 36), (.k16, 42, 47), (.k16, 47, 42),
            (.k64, 25, 29), (.k64, 29, 30), (.k64, 30, 38), (.k64, 38, 43), (.k64, 43, 46), (.k64, 46, 25),
        ]
        for (g, b0, b1) in sizes {
            all.append(config("\(g.name)\(b0)/\(g.name)\(b1)", half(g, b0), half(g, b1)))
        }
        all += [
            // PA sizes below 48 bits.
            config("4k40/4k40 pa32", half(.k4, 40), half(.k4, 40), pa: 32),
            config("16k36/16k36 pa36", half(.k16, 36), half(.k16, 36), pa: 36),
            config("64k42/64k42 pa40", half(.k64, 42), half(.k64, 42), pa: 40),
            config("4k44/4k44 pa42", half(.k4, 44), half(.k4, 44), pa: 42),
            config("16k47/16k47 pa44", half(.k16, 47), half(.k16, 47), pa: 44),
            // 52-bit: 64K with FEAT_LVA/FEAT_LPA, 4K and 16K with DS=1.
            config("64k52/64k52 pa52", half(.k64, 52), half(.k64, 52), pa: 52),
            config("4k52/4k52 pa52 ds", half(.k4, 52), half(.k4, 52), pa: 52, ds: true),
            config("16k52/16k52 pa52 ds", half(.k16, 52), half(.k16, 52), pa: 52, ds: true),
            config("4k48/4k48 pa52 ds", half(.k4, 48), half(.k4, 48), pa: 52, ds: true),
            config("16k48/16k48 pa48 ds", half(.k16, 48), half(.k16, 48), pa: 48, ds: true),
            config("4k52/4k48 pa48 ds", half(.k4, 52), half(.k4, 48), pa: 48, ds: true),
            // TCR flags.
            config("4k48/4k48 hpd", half(.k4, 48, hpd: true), half(.k4, 48, hpd: true)),
            config("16k48/64k48 tbi", half(.k16, 48, tbi: true), half(.k64, 48, tbi: true)),
            config("64k48/16k48 e0pd1", half(.k64, 48), half(.k16, 48, e0pd: true)),
            config("4k48/16k47 ha hd", half(.k4, 48), half(.k16, 47), ha: true, hd: true),
            // One half disabled (EPDx=1), and a TTBR base beyond the PA size.
            config("16k48/- epd1", half(.k16, 48), nil),
            config("-/64k48 epd0", nil, half(.k64, 48)),
            config("4k40/4k40 pa40 ttbr1-beyond", half(.k4, 40), half(.k4, 40), pa: 40, beyond: .ttbr1),
        ]
        return all
    }
}

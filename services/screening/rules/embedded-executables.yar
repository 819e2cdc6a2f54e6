// Executable headers inside files that should be media. A whole file that is
// an executable is refused earlier by the intrusion filter's content sniffing;
// these rules look for executables hidden *after* offset 0 (appended to or
// spliced into a container). Each header is checked beyond its magic so that
// a few random bytes in compressed media do not trip it.

rule MxHub_Embedded_ELF
{
    meta:
        description = "ELF executable header embedded after offset 0"
    strings:
        // magic, class 32/64, data LE/BE, version 1
        $elf = { 7F 45 4C 46 (01 | 02) (01 | 02) 01 }
    condition:
        for any i in (1..#elf) : (
            @elf[i] > 0 and
            // e_type: relocatable, executable, shared object or core
            (uint16(@elf[i] + 16) >= 1 and uint16(@elf[i] + 16) <= 4 or
             uint16be(@elf[i] + 16) >= 1 and uint16be(@elf[i] + 16) <= 4)
        )
}

rule MxHub_Embedded_PE
{
    meta:
        description = "Windows PE executable embedded after offset 0"
    strings:
        // "PE\0\0" and a common machine type (i386, amd64, arm64, armnt)
        $pe = { 50 45 00 00 (4C 01 | 64 86 | 64 AA | C4 01) }
    condition:
        for any i in (1..#pe) : (
            // optional header magic: PE32 or PE32+
            (uint16(@pe[i] + 24) == 0x10B or uint16(@pe[i] + 24) == 0x20B) and
            // an MZ header before it whose e_lfanew points at this PE header
            for any j in (0x40..0x400) : (
                @pe[i] - j > 0 and
                uint16(@pe[i] - j) == 0x5A4D and
                uint32(@pe[i] - j + 0x3C) == j
            )
        )
}

rule MxHub_Embedded_MachO
{
    meta:
        description = "Mach-O executable header embedded after offset 0"
    strings:
        // thin 32/64-bit little endian, cputype x86/x86_64/arm/arm64
        $thin32 = { CE FA ED FE (07 | 0C) 00 00 00 }
        $thin64 = { CF FA ED FE (07 | 0C) 00 00 01 }
        // universal binary: few architectures (a Java class has major >= 45)
        $fat = { CA FE BA BE 00 00 00 0? (00 | 01) 00 00 (07 | 0C) }
    condition:
        for any of ($thin32, $thin64, $fat) : (
            for any i in (1..#) : ( @[i] > 0 )
        )
}

// The EICAR anti-virus test file, wherever it sits and however it is padded:
// the 68 significant bytes are matched at any offset, so leading data
// (EICAR appended to a PNG, renamed to .mxf) and trailing whitespace do not
// hide it. The literal is written with \x24 for '$' so this rule file is not
// itself an EICAR file for other scanners.

rule MxHub_EICAR
{
    meta:
        description = "EICAR anti-virus test string"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}\x24EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\x24H+H*" ascii wide
    condition:
        $eicar
}

rule MxHub_EICAR_Base64
{
    meta:
        description = "EICAR anti-virus test string, base64-encoded"
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}\x24EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\x24H+H*" base64
    condition:
        $eicar
}

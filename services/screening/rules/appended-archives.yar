// Archives smuggled after the end of an image: a viewer shows the picture,
// an unzip tool finds the payload. Two shapes are recognised: an archive that
// starts right after the image's end marker (plain concatenation), and a zip
// whose end-of-central-directory record ends exactly at the end of the file
// (unzip reads zips from the end, whatever precedes them).

rule MxHub_Archive_After_PNG
{
    meta:
        description = "archive appended to a PNG image after IEND"
    strings:
        $iend = { 00 00 00 00 49 45 4E 44 AE 42 60 82 }
        $zip = { 50 4B 03 04 }
        $rar = { 52 61 72 21 1A 07 }
        $7z = { 37 7A BC AF 27 1C }
        $eocd = { 50 4B 05 06 }
    condition:
        uint32be(0) == 0x89504E47 and #iend > 0 and (
            for any of ($zip, $rar, $7z) : ( $ in (@iend[1] + 12 .. filesize) ) or
            // the last EOCD record, if the file ends with it
            #eocd > 0 and @eocd[#eocd] > @iend[1] and
            @eocd[#eocd] + 22 + uint16(@eocd[#eocd] + 20) == filesize
        )
}

rule MxHub_Archive_After_JPEG
{
    meta:
        description = "archive appended to a JPEG image after its end marker"
    strings:
        $zip = { FF D9 50 4B 03 04 }
        $rar = { FF D9 52 61 72 21 1A 07 }
        $7z = { FF D9 37 7A BC AF 27 1C }
        $eocd = { 50 4B 05 06 }
    condition:
        uint16be(0) == 0xFFD8 and (
            any of ($zip, $rar, $7z) or
            #eocd > 0 and
            @eocd[#eocd] + 22 + uint16(@eocd[#eocd] + 20) == filesize and
            // the central directory it names lies inside the file
            uint32(@eocd[#eocd] + 16) < @eocd[#eocd]
        )
}

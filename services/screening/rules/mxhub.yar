// mxhub's own rules.

// Test marker shared with the shipped ClamAV test database
// (ops/clamav/db/mxhub-test.ndb): lets tests prove a file marked bad never
// reaches a target without using a real sample.
rule MxHub_Test_Marker
{
    meta:
        description = "mxhub test marker (do not deliver)"
    strings:
        $marker = "MXHUB-TEST-MARKER:do-not-deliver" ascii wide
    condition:
        $marker
}

// A media or image file that also carries markup a browser would run: a
// polyglot made to be opened in the wrong application.
rule MxHub_Script_In_Media
{
    meta:
        description = "script or server-side code inside a media or image file"
    strings:
        $script = "<script" nocase
        $php = "<?php" nocase
        $js_uri = "javascript:" nocase
    condition:
        (
            uint32be(0) == 0x89504E47 or      // PNG
            uint16be(0) == 0xFFD8 or          // JPEG
            uint32be(4) == 0x66747970 or      // MP4 / MOV: ftyp
            uint32be(0) == 0x060E2B34 or      // MXF partition key
            uint32be(0) == 0x52494646         // RIFF: WAV, AVI
        ) and any of them
}

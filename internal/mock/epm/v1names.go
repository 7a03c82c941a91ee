package epm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File names of the migration file operations. The Upload page takes a
// folder as extDirPath=inbox, and the Delete Files page names a file in a
// folder with a backslash, DELETE …/applicationsnapshots/inbox%5Cfile1.csv
// ("Delete Files (11.1.2.3.600)", REST APIs for Oracle Enterprise Performance Management
// Cloud, https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/delete_files.html);
// public clients turn "/" into "\" (mhorvath9/EPM_FileUtility,
// src/EPMREST.java). So a name is a path of segments separated by "\" or
// "/", and every spelling of one path is one file (Q-EPM1-033).

// maxSegment bounds one segment, as file systems bound a file name.
const maxSegment = 255

// fileKey is the store's key of a name: its segments joined with "/". A
// segment that is empty, "." or "..", too long, not UTF-8 or holding a
// control character makes the name invalid, so no name leads out of its
// folder (EPM1-FILE-002, EPM1-FILE-005).
func fileKey(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: an empty name", errInvalidName)
	}
	segs := strings.FieldsFunc(name, isSeparator)
	if len(segs) == 0 || strings.Count(name, "/")+strings.Count(name, `\`)+1 != len(segs) {
		return "", fmt.Errorf("%w: %q has an empty folder or file name", errInvalidName, name)
	}
	for _, seg := range segs {
		switch {
		case seg == "." || seg == "..":
			return "", fmt.Errorf("%w: %q names %q, which leads out of its folder", errInvalidName, name, seg)
		case len(seg) > maxSegment:
			return "", fmt.Errorf("%w: a folder or file name longer than %d bytes", errInvalidName, maxSegment)
		case !utf8.ValidString(seg):
			return "", fmt.Errorf("%w: %q is not UTF-8", errInvalidName, name)
		case strings.IndexFunc(seg, unicode.IsControl) >= 0:
			return "", fmt.Errorf("%w: %q holds a control character", errInvalidName, name)
		}
	}
	return strings.Join(segs, "/"), nil
}

// inFolder is the name of file in the folder extDirPath names ("" is the
// top folder).
func inFolder(dir, file string) string {
	if dir == "" {
		return file
	}
	return strings.TrimRight(dir, `/\`) + "/" + file
}

func isSeparator(r rune) bool { return r == '/' || r == '\\' }

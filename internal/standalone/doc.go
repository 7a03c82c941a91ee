// Package standalone holds the test that the repository stands alone: no
// file of it cites a file it does not contain (copies of vendor pages, notes
// kept beside the checkout) or a path of one particular machine. Sources are
// cited as the vendor's public page (title and URL) or a public repository
// and path.
package standalone

//go:build !unix

package fleet

// fileLimit: this platform's limit is not known, so nothing is checked.
func fileLimit() (uint64, bool) { return 0, false }

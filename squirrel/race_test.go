//go:build race

package squirrel

// raceEnabled tells timing checks that the race detector slows code down.
const raceEnabled = true

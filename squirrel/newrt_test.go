package squirrel

import (
	"testing"

	"github.com/dop251/goja"
)

func BenchmarkNewRuntime(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewRuntime(goja.New(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

package agentapi

import (
	"encoding/json"

	"github.com/dop251/goja"
)

// Format renders v as server.log prints it: strings as they are, numbers
// in their shortest form, null as "null", blobs as text (hex when not
// UTF-8), errors as "Name: message", other objects as JSON. A value whose
// conversion throws becomes "<unprintable value>".
func (e *Env) Format(v goja.Value) string { return FormatValue(v, e.Loop.Text) }

// FormatValue is Format for any runtime: text is that runtime's String(v)
// (Loop.Text, Companion.Text).
func FormatValue(v goja.Value, text func(goja.Value) string) string {
	if v == nil || goja.IsUndefined(v) {
		return "undefined"
	}
	if goja.IsNull(v) {
		return "null"
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return v.String() // strings, numbers, booleans, symbols, bigints
	}
	if b, ok := GoValue(v).(*Blob); ok {
		return b.Text()
	}
	if _, isFn := goja.AssertFunction(v); isFn || obj.ClassName() == "Error" {
		return text(v)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return text(v)
	}
	return string(b)
}

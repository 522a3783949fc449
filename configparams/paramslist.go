package configparams

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// LoadParamsList reads a YAML file holding a list of mappings, one set of
// configparams per entry (a fleet's per-agent parameters):
//
//	# agents.yaml
//	- {deviceid: "30000c2a690cd0e8", topic: sensors/a}
//	- {deviceid: "30000c2a690cd0e9", topic: sensors/b}
//
// Each entry is converted like the configparams section of a config file
// (JSON-compatible values, aliases expanded, a deviceid must be a string)
// and is named "[I]" in errors, I counting from 0. A missing or unreadable
// file, YAML that is not a list of mappings, and bad values are errors
// naming the file, line and entry (an *Error, or an errors.Join of them).
// An empty file is an empty list.
func LoadParamsList(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		msg := "cannot read parameters file"
		if errors.Is(err, os.ErrNotExist) {
			msg = "parameters file not found"
		} else if pe := (*os.PathError)(nil); errors.As(err, &pe) {
			msg += ": " + pe.Err.Error()
		}
		return nil, &Error{File: path, Msg: msg}
	}
	d := &decoder{cfg: Default(), file: path}
	root := d.document(data)
	if root != nil && root.Kind != yaml.SequenceNode {
		d.errorAt(root, "", root.Value, "the file must be a list of mappings (one per agent, each line starting with '- '), not "+describe(root))
		root = nil
	}
	var list []map[string]any
	if root != nil {
		list = make([]map[string]any, len(root.Content))
		for i, n := range root.Content {
			path := fmt.Sprintf("[%d]", i)
			d.expanding = map[*yaml.Node]bool{root: true, deref(n): true}
			pairs, ok := d.mapPairs(path, n, "a mapping (one agent's configparams)")
			if ok {
				list[i] = d.paramsMap(path, pairs, nil)
			}
		}
	}
	if err := joinErrors(d.errs); err != nil {
		return nil, err
	}
	return list, nil
}

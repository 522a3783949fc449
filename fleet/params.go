package fleet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/agenthost/agenthost/configparams"
)

// The placeholders a configparams template may hold, in any string value.
const (
	PlaceholderIndex    = "{{index}}"    // the agent's fleet index, 0 to N-1
	PlaceholderDeviceID = "{{deviceid}}" // the agent's device id
)

// placeholderRE finds anything that looks like a placeholder, known or not.
var placeholderRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// Params builds each agent's imp.configparams: the template (the config's
// configparams) overlaid with the agent's row of a parameters file, if
// any, then the placeholders expanded. A Params is immutable once made and
// safe for concurrent use.
type Params struct {
	template map[string]any
	rows     []map[string]any // nil without a parameters file
	rowNames []string         // where each row came from, for errors
	seed     uint32           // default device ids: hash of the fleet name
}

// NewParams checks template and rows for the first n agents (rows may be
// nil, else it needs at least n entries, named in errors by rowNames) and
// returns the Params, or an error naming the field, row or agent at fault:
// a placeholder other than {{index}} and {{deviceid}}, a deviceid that is
// not a string or holds {{deviceid}}, or two agents of the fleet with the
// same device id. Default device ids derive from name (see DeviceID).
func NewParams(template map[string]any, rows []map[string]any, rowNames []string, name string, n int) (*Params, error) {
	p := &Params{template: template, rows: rows, rowNames: rowNames, seed: nameSeed(name)}
	if rows != nil && len(rows) < n {
		return nil, fmt.Errorf("%d agents but the parameters file has %d rows (one per agent)", n, len(rows))
	}
	if err := checkPlaceholders("configparams", template); err != nil {
		return nil, err
	}
	for i := 0; i < n && rows != nil; i++ {
		if err := checkPlaceholders(p.rowNames[i], rows[i]); err != nil {
			return nil, err
		}
	}
	seen := make(map[string]int, n)
	for i := 0; i < n; i++ {
		id, err := p.deviceID(i)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("agents %d and %d would both have device id %q: device ids must be unique in a fleet (make the deviceid depend on {{index}}, or fix the parameters file)", j, i, id)
		}
		seen[id] = i
	}
	return p, nil
}

// nameSeed hashes a fleet name into the high half of default device ids.
func nameSeed(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()
}

// DeviceID is the device id an agent gets when neither the template nor
// its row sets one: 16 lower-case hex digits, the FNV-1a hash of the fleet
// name followed by the index, so it is stable per name and index and
// unique in the fleet.
func DeviceID(name string, index int) string {
	return fmt.Sprintf("%08x%08x", nameSeed(name), uint32(index))
}

// merged returns the template overlaid with agent index's row.
func (p *Params) merged(index int) map[string]any {
	if p.rows == nil || len(p.rows[index]) == 0 {
		return p.template
	}
	m := make(map[string]any, len(p.template)+len(p.rows[index]))
	for k, v := range p.template {
		m[k] = v
	}
	for k, v := range p.rows[index] {
		m[k] = v
	}
	return m
}

// where names the origin of agent index's deviceid for errors.
func (p *Params) where(index int) string {
	if p.rows != nil {
		if _, ok := p.rows[index]["deviceid"]; ok {
			return p.rowNames[index]
		}
	}
	return "configparams"
}

// deviceID returns agent index's device id.
func (p *Params) deviceID(index int) (string, error) {
	v, ok := p.merged(index)["deviceid"]
	if !ok {
		return fmt.Sprintf("%08x%08x", p.seed, uint32(index)), nil
	}
	s, isString := v.(string)
	switch {
	case !isString:
		return "", fmt.Errorf("%s: deviceid must be a string, got %v", p.where(index), v)
	case strings.Contains(s, PlaceholderDeviceID):
		return "", fmt.Errorf("%s: deviceid %q cannot contain %s (it is the device id)", p.where(index), s, PlaceholderDeviceID)
	}
	id := strings.ReplaceAll(s, PlaceholderIndex, strconv.Itoa(index))
	if id == "" {
		return "", fmt.Errorf("%s: deviceid of agent %d is empty", p.where(index), index)
	}
	return id, nil
}

// For returns agent index's configparams, its "deviceid" set. Values
// without placeholders are shared between agents, and must not be changed.
func (p *Params) For(index int) (map[string]any, string) {
	id, err := p.deviceID(index)
	if err != nil {
		panic("fleet: Params.For of an unchecked index: " + err.Error())
	}
	idx := strconv.Itoa(index)
	src := p.merged(index)
	out := make(map[string]any, len(src)+1)
	for k, v := range src {
		out[k], _ = expand(v, idx, id, index)
	}
	out["deviceid"] = id
	return out, id
}

// expand replaces the placeholders in the strings of v; a string that is
// exactly {{index}} becomes the integer. It returns v itself when nothing
// in it changed.
func expand(v any, idx, id string, index int) (any, bool) {
	switch v := v.(type) {
	case string:
		if !strings.Contains(v, "{{") {
			return v, false
		}
		if v == PlaceholderIndex {
			return int64(index), true
		}
		s := strings.ReplaceAll(strings.ReplaceAll(v, PlaceholderIndex, idx), PlaceholderDeviceID, id)
		return s, s != v
	case map[string]any:
		var out map[string]any
		for k, e := range v {
			if x, changed := expand(e, idx, id, index); changed {
				if out == nil {
					out = make(map[string]any, len(v))
					for k2, e2 := range v {
						out[k2] = e2
					}
				}
				out[k] = x
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range v {
			if x, changed := expand(e, idx, id, index); changed {
				if out == nil {
					out = append([]any(nil), v...)
				}
				out[i] = x
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}

// checkPlaceholders reports the first placeholder in the strings of m
// (in key order) that is neither {{index}} nor {{deviceid}}.
func checkPlaceholders(where string, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := checkValue(where+": "+k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(field string, v any) error {
	switch v := v.(type) {
	case string:
		for _, ph := range placeholderRE.FindAllString(v, -1) {
			if ph != PlaceholderIndex && ph != PlaceholderDeviceID {
				return fmt.Errorf("%s: unknown placeholder %s in %q (use %s or %s)", field, ph, v, PlaceholderIndex, PlaceholderDeviceID)
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := checkValue(field+"."+k, v[k]); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := checkValue(fmt.Sprintf("%s[%d]", field, i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadRows reads a parameters file: CSV (.csv: a header row of keys, then
// one row of string values per agent) or YAML (.yaml, .yml: a list of
// mappings, see configparams.LoadParamsList). It returns the rows and a
// name for each, "FILE:LINE" for CSV and "FILE [I]" for YAML. Errors name
// the file and line.
func LoadRows(path string) (rows []map[string]any, names []string, err error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return loadCSV(path)
	case ".yaml", ".yml":
		rows, err := configparams.LoadParamsList(path)
		if err != nil {
			return nil, nil, err
		}
		names := make([]string, len(rows))
		for i := range rows {
			names[i] = fmt.Sprintf("%s [%d]", path, i)
		}
		return rows, names, nil
	}
	return nil, nil, fmt.Errorf("%s: a parameters file must end in .csv, .yaml or .yml", path)
}

func loadCSV(path string) ([]map[string]any, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s: parameters file not found", path)
		}
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%s: empty; the first row must name the keys (e.g. deviceid,topic)", path)
	}
	if err != nil {
		return nil, nil, csvErr(path, err)
	}
	for i, k := range header {
		k = strings.TrimSpace(k)
		if i == 0 {
			k = strings.TrimPrefix(k, "\ufeff") // a spreadsheet's byte order mark
		}
		if k == "" {
			return nil, nil, fmt.Errorf("%s:1: column %d has no name in the header row", path, i+1)
		}
		for j := 0; j < i; j++ {
			if header[j] == k {
				return nil, nil, fmt.Errorf("%s:1: column %d repeats the key %q of column %d", path, i+1, k, j+1)
			}
		}
		header[i] = k
	}
	var rows []map[string]any
	var names []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvErr(path, err)
		}
		line, _ := r.FieldPos(0)
		m := make(map[string]any, len(header))
		for i, k := range header {
			m[k] = rec[i]
		}
		rows = append(rows, m)
		names = append(names, fmt.Sprintf("%s:%d", path, line))
	}
	return rows, names, nil
}

// csvErr words encoding/csv's errors as "FILE:LINE:COLUMN: problem".
func csvErr(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("%s:%d: a row must have one value per key of the header row", path, pe.Line)
		}
		return fmt.Errorf("%s:%d:%d: %v", path, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

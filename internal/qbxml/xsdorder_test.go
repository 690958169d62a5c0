package qbxml

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/testenv"
)

// xsdNode is a generic element of the schema files.
type xsdNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xsdNode  `xml:",any"`
}

func (n xsdNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// xsdIndex holds the schema's top-level elements, complex types and groups.
type xsdIndex struct {
	elements, types, groups map[string]xsdNode
}

func loadXSD(t *testing.T) *xsdIndex {
	t.Helper()
	dir := filepath.Dir(testenv.QBXMLSchema(t))
	ix := &xsdIndex{elements: map[string]xsdNode{}, types: map[string]xsdNode{}, groups: map[string]xsdNode{}}
	for _, f := range []string{"qbxmltypes130.xsd", "qbxml130.xsd", "qbxmlso130.xsd", "qbxmlops130.xsd"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		var root xsdNode
		if err := xml.Unmarshal(b, &root); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range root.Children {
			switch c.XMLName.Local {
			case "element":
				ix.elements[c.attr("name")] = c
			case "complexType":
				ix.types[c.attr("name")] = c
			case "group":
				ix.groups[c.attr("name")] = c
			}
		}
	}
	return ix
}

// childDecl is one element declaration inside a content model, in order.
type childDecl struct {
	name string
	decl xsdNode
}

// content returns the complex content of an element declaration (following
// ref and type), or false for a simple element.
func (ix *xsdIndex) content(decl xsdNode) (xsdNode, bool) {
	if ref := decl.attr("ref"); ref != "" {
		decl = ix.elements[ref]
	}
	if typ := decl.attr("type"); typ != "" {
		ct, ok := ix.types[typ]
		return ct, ok
	}
	for _, c := range decl.Children {
		if c.XMLName.Local == "complexType" {
			return c, true
		}
	}
	return xsdNode{}, false
}

// sequence flattens a content model into its element declarations in
// document order (choices contribute all their branches in order).
func (ix *xsdIndex) sequence(n xsdNode) []childDecl {
	var out []childDecl
	for _, c := range n.Children {
		switch c.XMLName.Local {
		case "sequence", "choice", "all", "complexContent", "simpleContent":
			out = append(out, ix.sequence(c)...)
		case "extension":
			if base, ok := ix.types[c.attr("base")]; ok {
				out = append(out, ix.sequence(base)...)
			}
			out = append(out, ix.sequence(c)...)
		case "group":
			out = append(out, ix.sequence(ix.groups[c.attr("ref")])...)
		case "element":
			name := c.attr("name")
			if name == "" {
				name = c.attr("ref")
			}
			out = append(out, childDecl{name, c})
		}
	}
	return out
}

// structFields lists a struct's element fields in declaration order,
// flattening embedded structs and skipping attributes and chardata.
func structFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		if f.Anonymous && tag == "" {
			out = append(out, structFields(f.Type)...)
			continue
		}
		if f.Name == "XMLName" || tag == "" || tag == "-" || strings.Contains(tag, ",attr") || strings.Contains(tag, ",chardata") {
			continue
		}
		out = append(out, f)
	}
	return out
}

// leafStruct reports whether a struct type is written as text (MacroTxnID).
func leafStruct(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if strings.Contains(t.Field(i).Tag.Get("xml"), ",chardata") {
			return true
		}
	}
	return false
}

// checkOrder verifies that the struct's fields are a subsequence of the
// content model's elements: each exists in the schema at that place and
// comes after the one before it. Struct-valued fields are checked against
// their own element's content model.
func checkOrder(ix *xsdIndex, path string, st reflect.Type, model xsdNode) []string {
	var problems []string
	decls := ix.sequence(model)
	pos := 0
	for _, f := range structFields(st) {
		name := strings.Split(f.Tag.Get("xml"), ",")[0]
		found := -1
		for i := pos; i < len(decls); i++ {
			if decls[i].name == name {
				found = i
				break
			}
		}
		if found < 0 {
			where := "not in the schema here"
			for i := 0; i < pos; i++ {
				if decls[i].name == name {
					where = "out of schema order"
				}
			}
			problems = append(problems, fmt.Sprintf("%s.%s (<%s>) is %s", path, f.Name, name, where))
			continue
		}
		pos = found + 1
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && !leafStruct(ft) {
			sub, ok := ix.content(decls[found].decl)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s: <%s> is a simple element in the schema", path, f.Name, name))
				continue
			}
			problems = append(problems, checkOrder(ix, path+"."+f.Name, ft, sub)...)
		}
	}
	return problems
}

// TestStructFieldsFollowSchemaOrder checks every request type's fields,
// including those the example messages leave empty, against the XSD.
func TestStructFieldsFollowSchemaOrder(t *testing.T) {
	ix := loadXSD(t)
	reqs := requestExamples()
	for _, typ := range txnQueryTypes {
		reqs["TxnTypeQuery/"+typ] = TxnTypeQuery{Type: typ}
	}
	for name, req := range reqs {
		if q, ok := req.(TxnTypeQuery); ok && q.Type == "Deposit" {
			// DepositQuery has no RefNumber filters: TxnTypeQuery.validate
			// refuses them, and the example is validated by xmllint.
			continue
		}
		st := reflect.TypeOf(req)
		var model xsdNode
		var ok bool
		if xf, has := st.FieldByName("XMLName"); has && !strings.HasSuffix(xf.Tag.Get("xml"), "Rq") {
			// An Add/Mod: the struct is the inner element.
			model, ok = ix.content(ix.elements[xf.Tag.Get("xml")])
		} else {
			model, ok = ix.types[req.RequestName()+"Type"]
		}
		if !ok {
			t.Errorf("%s: no schema declaration found", name)
			continue
		}
		for _, p := range checkOrder(ix, st.Name(), st, model) {
			t.Error(p)
		}
	}
}

// TestCheckOrderCatchesMistakes proves the order check can fail.
func TestCheckOrderCatchesMistakes(t *testing.T) {
	ix := loadXSD(t)
	model, _ := ix.content(ix.elements["SalesReceiptAdd"])
	type swapped struct {
		TxnDate     Date `xml:"TxnDate"`
		CustomerRef *Ref `xml:"CustomerRef"`
	}
	type unknown struct {
		Colour string `xml:"Colour"`
	}
	type badLine struct {
		Lines []struct {
			Amount  *Amount `xml:"Amount"`
			ItemRef *Ref    `xml:"ItemRef"`
		} `xml:"SalesReceiptLineAdd"`
	}
	for _, c := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeOf(swapped{}), "out of schema order"},
		{reflect.TypeOf(unknown{}), "not in the schema"},
		{reflect.TypeOf(badLine{}), "Lines.ItemRef (<ItemRef>) is out of schema order"},
	} {
		problems := checkOrder(ix, "X", c.typ, model)
		if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), c.want) {
			t.Errorf("%v: problems %q, want one mentioning %q", c.typ, problems, c.want)
		}
	}
}

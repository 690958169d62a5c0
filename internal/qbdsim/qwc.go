package qbdsim

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// QWC is what the Web Connector reads from a .qwc file (qbd.md §1.6).
type QWC struct {
	AppName            string `xml:"AppName"`
	AppID              string `xml:"AppID"`
	AppURL             string `xml:"AppURL"`
	AppDescription     string `xml:"AppDescription"`
	AppSupport         string `xml:"AppSupport"`
	UserName           string `xml:"UserName"`
	OwnerID            string `xml:"OwnerID"`
	FileID             string `xml:"FileID"`
	QBType             string `xml:"QBType"`
	IsReadOnly         bool   `xml:"IsReadOnly"`
	PersonalDataPref   string `xml:"PersonalDataPref"`
	UnattendedModePref string `xml:"UnattendedModePref"`
	AuthFlags          string `xml:"AuthFlags"`
	Scheduler          struct {
		RunEveryNMinutes string `xml:"RunEveryNMinutes"`
		RunEveryNSeconds string `xml:"RunEveryNSeconds"`
	} `xml:"Scheduler"`
}

// RunEverySeconds is the scheduler interval (0 when none is set); the first
// scheduler field present wins, as in the Web Connector.
func (q QWC) RunEverySeconds() int {
	if v, err := strconv.Atoi(strings.TrimSpace(q.Scheduler.RunEveryNMinutes)); err == nil {
		return v * 60
	}
	if v, err := strconv.Atoi(strings.TrimSpace(q.Scheduler.RunEveryNSeconds)); err == nil {
		return v
	}
	return 0
}

// ReadQWC reads and checks a .qwc file the way the Web Connector does when
// it is added: required elements present, https unless localhost, braced
// GUIDs for OwnerID and FileID.
func ReadQWC(path string) (QWC, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return QWC{}, fmt.Errorf("read qwc %s: %w", path, err)
	}
	return ParseQWC(b)
}

// ParseQWC is ReadQWC on bytes.
func ParseQWC(b []byte) (QWC, error) {
	var q struct {
		XMLName xml.Name `xml:"QBWCXML"`
		QWC
	}
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&q); err != nil {
		return QWC{}, fmt.Errorf("parse qwc: %w", err)
	}
	w := q.QWC
	for _, f := range []struct{ name, v string }{{"AppName", w.AppName}, {"AppURL", w.AppURL}, {"UserName", w.UserName}, {"OwnerID", w.OwnerID}, {"FileID", w.FileID}, {"QBType", w.QBType}} {
		if strings.TrimSpace(f.v) == "" {
			return QWC{}, fmt.Errorf("parse qwc: %s is missing", f.name)
		}
	}
	if !guidPattern.MatchString(w.OwnerID) || w.OwnerID == "0" {
		return QWC{}, fmt.Errorf("parse qwc: OwnerID %q is not a {GUID}", w.OwnerID)
	}
	if !guidPattern.MatchString(w.FileID) || w.FileID == "0" {
		return QWC{}, fmt.Errorf("parse qwc: FileID %q is not a {GUID}", w.FileID)
	}
	if w.QBType != "QBFS" && w.QBType != "QBPOS" {
		return QWC{}, fmt.Errorf("parse qwc: QBType %q must be QBFS or QBPOS", w.QBType)
	}
	if err := checkAppURL(w.AppURL); err != nil {
		return QWC{}, fmt.Errorf("parse qwc: %w", err)
	}
	if strings.TrimSpace(w.AppSupport) == "" {
		return QWC{}, fmt.Errorf("parse qwc: AppSupport is missing")
	}
	app, errApp := url.Parse(w.AppURL)
	sup, errSup := url.Parse(w.AppSupport)
	if errApp != nil || errSup != nil || !strings.EqualFold(app.Hostname(), sup.Hostname()) {
		return QWC{}, fmt.Errorf("parse qwc: AppSupport %q must be on the same host as AppURL %q", w.AppSupport, w.AppURL)
	}
	return w, nil
}

// checkAppURL enforces the Web Connector's https rule (http only for localhost).
func checkAppURL(u string) error {
	switch {
	case strings.HasPrefix(u, "https://"):
		return nil
	case strings.HasPrefix(u, "http://localhost"), strings.HasPrefix(u, "http://127.0.0.1"), strings.HasPrefix(u, "http://[::1]"):
		return nil
	}
	return fmt.Errorf("AppURL %q must use https (plain http is allowed only for localhost)", u)
}

// NewWebConnector sets up a Web Connector for a .qwc and the password the
// user typed into it, driving the given company.
func NewWebConnector(q QWC, password string, c *Company) *WebConnector {
	return &WebConnector{AppURL: q.AppURL, UserName: q.UserName, Password: password, Company: c, OwnerID: q.OwnerID, FileID: q.FileID}
}

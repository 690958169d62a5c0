package qbdsim_test

import (
	"fmt"
	"strings"

	"github.com/shopqb/shopqb/internal/qbdsim"
)

func ExampleCompany_ProcessRequest() {
	c := qbdsim.NewCompany(qbdsim.CompanyOptions{Edition: qbdsim.Pro, Name: "Demo Shop", SalesTaxOn: true, DefaultTaxItemZeroRate: true, Inventory: true})
	rq := `<?xml version="1.0" encoding="utf-8"?>
<?qbxml version="13.0"?>
<QBXML><QBXMLMsgsRq onError="continueOnError">
<CustomerAddRq requestID="1"><CustomerAdd><Name>Walk-in</Name></CustomerAdd></CustomerAddRq>
<VendorAddRq requestID="2"><VendorAdd><Name>WALK-IN</Name></VendorAdd></VendorAddRq>
</QBXMLMsgsRq></QBXML>`
	resp, err := c.ProcessRequest(rq)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Count(resp, `statusCode="0"`), strings.Count(resp, `statusCode="3100"`))
	// Output: 1 1
}

package engine_test

import (
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func TestUpdateUnit(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		id := f.UnitID(t, stateHospital)
		u, err := e.Unit(clerk, id)
		if err != nil {
			t.Fatal(err)
		}
		in := engine.UnitInput{
			Name: u.Name, CreditCode: string(u.CreditCode), Kind: u.Kind, Funding: u.Funding,
			Sector: u.Sector, Region: u.Region, DepartmentID: u.DepartmentID,
			ContactName: "向红", ContactPhone: "0743-8176000", Address: u.Address,
			UsesInstitutionSystem: u.UsesInstitutionSystem,
		}
		got, err := e.UpdateUnit(clerk, id, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContactName != "向红" || got.ContactPhone != "0743-8176000" || got.Name != u.Name {
			t.Errorf("got %+v", got)
		}
		events, err := e.Client().AuditEvent.Query().Where(auditevent.Event("unit.update")).
			All(f.As(t, tenants.DemoAdmin))
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Detail != "changed: contact_name,contact_phone" {
			t.Errorf("audit: got %+v, want one entry naming contact_name and contact_phone", events)
		}

		bad := []struct {
			name string
			edit func(*engine.UnitInput)
			code string
		}{
			// The last character of a valid code changed from 3 to 4.
			{"credit code check", func(in *engine.UnitInput) { in.CreditCode = "124331004000453124" }, "unit.credit_code"},
			{"empty name", func(in *engine.UnitInput) { in.Name = " " }, "unit.name"},
			{"region of another prefecture", func(in *engine.UnitInput) { in.Region = "431202" }, "unit.region"},
			{"unknown kind", func(in *engine.UnitInput) { in.Kind = "club" }, "unit.kind"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				x := in
				tt.edit(&x)
				_, err := e.UpdateUnit(clerk, id, x)
				wantKind(t, err, engine.KindInvalid, tt.code)
			})
		}
		after, err := e.Unit(clerk, id)
		if err != nil || after.ContactName != "向红" || after.CreditCode != u.CreditCode {
			t.Errorf("refused updates changed the unit: %+v (%v)", after, err)
		}

		_, err = e.UpdateUnit(f.As(t, tcmHospital), id, in)
		wantKind(t, err, engine.KindNotFound, "")
		_, err = e.UpdateUnit(f.As(t, stateHealthWJ), id, in)
		wantKind(t, err, engine.KindPermissionDenied, "")
	})
}

func TestUnitsNameTheirRegion(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		bureau := f.As(t, tenants.DemoBureau)
		// DOMAIN.md §7: 433101 is 吉首市, 433100 the prefecture itself.
		u, err := f.Engine.Unit(bureau, f.UnitID(t, jishouHospital))
		if err != nil || u.Region != "433101" || u.RegionName != "吉首市" {
			t.Fatalf("got %s %q (%v), want 433101 吉首市", u.Region, u.RegionName, err)
		}
		us, err := f.Engine.Units(bureau)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.RegionName == "" {
				t.Errorf("unit %s has region %s without a name", u.Name, u.Region)
			}
		}
	})
}

package engine

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/zhicheng-hr/zhicheng/ent"
)

// inPreparedTx is inTx for work that also prepares statements in the
// transaction, which ent's transactions cannot: fn gets the transaction
// both as ent's and as database/sql's. A sync prepares its INSERT of new
// people once, where MySQL would otherwise parse every batch of them
// anew. It retries as inTx does.
func (e *Engine) inPreparedTx(ctx context.Context, fn func(tx *ent.Tx, stx *sql.Tx) error) error {
	const attempts = 4
	var err error
	for range attempts {
		if err = e.tryPreparedTx(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

func (e *Engine) tryPreparedTx(ctx context.Context, fn func(tx *ent.Tx, stx *sql.Tx) error) error {
	stx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return internal("begin transaction", err)
	}
	drv := &oneTxDriver{Driver: entsql.NewDriver(e.dialect, entsql.Conn{ExecQuerier: stx}), tx: stx}
	tx, err := ent.NewClient(ent.Driver(drv)).Tx(ctx)
	if err != nil {
		stx.Rollback()
		return internal("begin transaction", err)
	}
	if err := fn(tx, stx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !retryable(err) {
			e.log.Error("rollback", "err", rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return internal("commit", err)
	}
	return nil
}

// oneTxDriver is an ent driver over one database/sql transaction, which
// its Tx hands to ent.
type oneTxDriver struct {
	*entsql.Driver
	tx *sql.Tx
}

// Tx returns the driver's transaction; ent commits or rolls it back.
func (d *oneTxDriver) Tx(context.Context) (dialect.Tx, error) {
	return &entsql.Tx{Conn: d.Conn, Tx: d.tx}, nil
}

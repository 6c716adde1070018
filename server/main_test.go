package server

import (
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a corpus directory on disk, read so that nothing outside it is
// read: a symbolic link is followed only when its target lies inside the
// directory (the others fail with "path escapes from parent"). Each
// operation opens the directory afresh, so a directory replaced while the
// bot runs is read as it is now.
func Dir(path string) fs.FS { return rootFS(filepath.Clean(path)) }

type rootFS string

func (d rootFS) Open(name string) (fs.File, error) {
	r, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer r.Close() // an open file outlives its root
	return r.FS().Open(name)
}

func (d rootFS) Stat(name string) (fs.FileInfo, error) {
	r, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return fs.Stat(r.FS(), name)
}

func (d rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return fs.ReadDir(r.FS(), name)
}

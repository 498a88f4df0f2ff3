package bot_test

import "os"

func mkdirTemp() (string, error) { return os.MkdirTemp("", "futurebot-bot-test-") }

"""Sign-in rules of the Microsoft identity platform as calgraph emulates them: pure, no I/O."""

"""Citizens' voice: satisfaction ratings (a one-time token per dossier) and feedback, petitions
and complaints (phản ánh, kiến nghị), with their handling deadlines."""

// The files a fresh playground starts with.

/** @type {Record<string, string>} path → text */
export const STARTER_FILES = {
  "/poem.txt": `The Road Not Taken (first stanza), Robert Frost

Two roads diverged in a yellow wood,
And sorry I could not travel both
And be one traveler, long I stood
And looked down one as far as I could
To where it bent in the undergrowth;
`,
  "/notes/todo.txt": "try grep -c on the poem\nupload a file of your own\nrun the echo REPL and type into it\n",
  "/notes/README.md":
    "# Notes\n\nEverything here lives in memory, in this page: programs see it as their root directory `/`.\n" +
    "Only the home folder, `/home` (`~`, where the terminal's shell starts), is kept across reloads (in the browser's OPFS).\n",
};

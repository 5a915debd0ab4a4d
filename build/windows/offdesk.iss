; Inno Setup script for Offdesk on Windows. Build the one-folder app first
; (python build/build.py), then compile this with ISCC.exe from the checkout root.
; tests/build/test_packaging.py checks the version and paths against the code.
#define AppName "Offdesk"
#define AppVersion "0.1.0"
#define AppExe "offdesk.exe"

[Setup]
AppId={{6F1D3E2A-5B7C-4C1E-9A54-0FFDE5C0A001}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Offdesk
DefaultDirName={autopf}\Offdesk
DefaultGroupName=Offdesk
OutputDir=build\dist
OutputBaseFilename=offdesk-{#AppVersion}-setup
SetupIconFile=resources\icons\offdesk.ico
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Files]
Source: "build\dist\offdesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "--self-test"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."
Filename: "{app}\{#AppExe}"; Description: "Start Offdesk"; Flags: nowait postinstall skipifsilent
